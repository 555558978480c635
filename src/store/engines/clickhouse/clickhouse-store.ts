// The ClickHouse engine's data plane (DataStore): each area the list of its functions `(s: ChStore, ...)`
// bound to one store (../bind.ts), as duckdb-store.ts does with its database. The control plane is never
// here (ClickHouse has no unique constraint or compare-and-set): store/open.ts joins this part to
// PostgreSQL's or to the local DuckDB file's control part.
import { replaceSubscriptionMonths } from './subscription-months.js';
import { subscriptionMonthsReads } from '../neutral/subscription-months-queries.js';
import {
  appendWebhookReceipt,
  listWebhookReceipts,
  markWebhookReceiptsLoaded,
} from './webhook-receipts.js';
import type { DataStore } from '../../data.js';
import { insightsReads } from '../neutral/insights-reads.js';
import { reportReads } from '../neutral/report-reads.js';
import { queryNeutral } from './dialect.js';
import { StoreUnavailable } from '../../areas/engine.js';
import { storeParts } from '../../join.js';
import type { ChdbLocation, ClickHouseLocation } from '../../store-url.js';
import { bind } from '../bind.js';
import {
  adCostImports,
  adCosts,
  adCostTotals,
  missingAdCostRates,
  appendAdCosts,
  commitAdCosts,
  discardAdCosts,
  staleStagedAdCostImports,
  stageAdCosts,
} from './ad-costs.js';
import {
  appendAdClicks,
  costsReport,
  creditedMilestones,
  explainCostMatch,
  taggingFacts,
} from './costs.js';
import { appendEvents } from './append-events.js';
import { completeErasure, listErasures, redactionRuns } from './audit-logs.js';
import {
  appendCrmChanges,
  appendRevenueRecords,
  revenueRecords,
  crmChanges,
  crmDeals,
  crmMissingRates,
  crmMatchCounts,
  crmStageKeys,
  deriveCrmMilestones,
} from './crm.js';
import {
  appendStripeFacts,
  countStripeFacts,
  crmReachedMilestones,
  replaceRevenueMilestones,
  stripeFacts,
} from './stripe.js';
import { openChdbConnection } from './chdb-connection.js';
import { ClickHouseError, type ClickHouseConnection } from './connection.js';
import {
  attributionFits,
  attributionInputs,
  creditReport,
  creditReports,
  creditsOutOfStep,
  nonConvertingTouches,
  personCredits,
  replaceCredits,
} from './credits.js';
import { countDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters.js';
import { releaseAffectedEvents, stageAffectedEvents } from './derive-scope.js';
import { countEvents, loadEventJournal, queryEvents, type ChStore } from './events.js';
import { appendFxRates, fxConvert, fxRates } from './fx.js';
import { openHttpConnection } from './http-connection.js';
import { clickHouseIdentity } from './identity-area.js';
import { importEventsFile } from './import.js';
import { personJourney } from './journeys.js';
import { redactStoredEvents } from './redaction.js';
import {
  currentIdentities,
  leadsByFirstTouchChannel,
  listIdentityLinks,
  listSessions,
  quarantinedIdentifiers,
  sessionsByChannel,
} from './inspection.js';
import { dropLeftoverTables } from './leftover-tables.js';
import { migrateClickHouse } from './migrate.js';
import { personLookups } from './person-lookup.js';
import { erasePerson, personRows } from './privacy.js';
import { loadPrivacyKey } from './privacy-key.js';
import { deriveSessions, sessionTouches } from './sessions.js';
import { checkServerVersion } from './server-version.js';
import { saveUserAgents, userAgentsToParse } from './user-agents.js';
import { deleteWorkspaceData } from './workspace-data.js';
import { deriveFirstTouches } from './first-touch.js';
import { deriveReportSessions } from './report-sessions.js';

/** Where a ClickHouse data plane lives: a server over HTTP(S), or chdb in this process. */
export type ClickHouseDataLocation = ClickHouseLocation | ChdbLocation;

// the engine's own handle on a data part it opened, for engine tests and test helpers only
const STORES = new WeakMap<DataStore, ChStore>();

/**
 * The ClickHouse store behind a data part this engine opened, or behind a Store joined from one (engine
 * tests and test helpers only; nothing else may reach past Store).
 */
export function chStoreOf(store: DataStore): ChStore | undefined {
  return STORES.get(storeParts(store)?.data ?? store);
}

/**
 * Opens the data plane on ClickHouse: connects (a server is checked: it answers, takes the credentials
 * and is recent enough), creates the database if missing, applies the migrations, drops work tables a
 * killed process left a day or more ago, and loads the privacy key.
 * Throws StoreUnavailable naming the location without its password, and why.
 */
export async function openClickHouseData(location: ClickHouseDataLocation): Promise<DataStore> {
  const conn = await connect(location);
  const s: ChStore = { conn, database: location.database };
  try {
    await checkServerVersion(conn);
  } catch (e) {
    await conn.close();
    throw new StoreUnavailable(location.display, reasonOf(e));
  }
  try {
    await migrateClickHouse(conn, { database: location.database });
    await dropLeftoverTables(conn, location.database);
    s.privacyKey = await loadPrivacyKey(s);
  } catch (e) {
    await conn.close();
    throw new StoreUnavailable(location.display, `preparing the database: ${reasonOf(e)}`);
  }
  let isReady = true;
  const data: DataStore = {
    engine: 'clickhouse',
    ready: () => isReady,
    async close() {
      if (!isReady) return;
      isReady = false;
      await conn.close();
    },
    ...bind(s, { engineLimits, schemaVersion }),
    ...bind(s, { deleteWorkspaceData }),
    ...bind(s, { importEventsFile, appendEvents, loadEventJournal, queryEvents, countEvents }),
    ...bind(s, { listDeadLetters, countDeadLetters, retryDeadLetters }),
    ...bind(s, { appendWebhookReceipt, listWebhookReceipts, markWebhookReceiptsLoaded }),
    ...bind(s, { stageAffectedEvents, releaseAffectedEvents }),
    ...bind(s, { userAgentsToParse, saveUserAgents }),
    ...bind(s, { appendFxRates, fxRates, fxConvert }),
    ...bind(s, {
      appendAdCosts,
      adCosts,
      adCostTotals,
      missingAdCostRates,
      adCostImports,
      stageAdCosts,
      commitAdCosts,
      discardAdCosts,
      staleStagedAdCostImports,
    }),
    ...bind(s, {
      costsReport,
      taggingFacts,
      creditedMilestones,
      appendAdClicks,
      explainCostMatch,
    }),
    ...bind(s, { deriveSessions, sessionTouches }),
    ...clickHouseIdentity(s),
    ...bind(s, {
      attributionInputs,
      nonConvertingTouches,
      replaceCredits,
      creditReport,
      creditReports,
      attributionFits,
      creditsOutOfStep,
    }),
    ...bind(s, {
      listSessions,
      sessionsByChannel,
      currentIdentities,
      quarantinedIdentifiers,
      listIdentityLinks,
      leadsByFirstTouchChannel,
      personCredits,
    }),
    ...bind(s, { personJourney }),
    ...personLookups(s),
    ...bind(s, {
      personRows,
      erasePerson,
      listErasures,
      completeErasure,
    }),
    ...bind(s, { redactionRuns, redactStoredEvents }),
    ...bind(s, {
      appendCrmChanges,
      appendRevenueRecords,
      revenueRecords,
      crmChanges,
      crmStageKeys,
      deriveCrmMilestones,
      crmMatchCounts,
      crmDeals,
      crmMissingRates,
    }),
    ...bind(s, {
      appendStripeFacts,
      countStripeFacts,
      stripeFacts,
      replaceRevenueMilestones,
      crmReachedMilestones,
    }),
    ...reportReads((q) => queryNeutral(s.conn, s.database, q)),
    ...insightsReads((q) => queryNeutral(s.conn, s.database, q)),
    ...bind(s, { deriveFirstTouches }),
    ...bind(s, { deriveReportSessions }),
    ...bind(s, { replaceSubscriptionMonths }),
    ...subscriptionMonthsReads((q) => queryNeutral(s.conn, s.database, q)),
  };
  STORES.set(data, s);
  return data;
}

// ClickHouse's code for a database that does not exist
const UNKNOWN_DATABASE = 81;

/** A checked connection, its database created if missing; what stops it is StoreUnavailable. */
async function connect(location: ClickHouseDataLocation): Promise<ClickHouseConnection> {
  const fail = (e: unknown) => new StoreUnavailable(location.display, reasonOf(e, location));
  if (location.engine === 'chdb') {
    const conn = await openChdbConnection(location.path).catch((e: unknown) => {
      throw fail(e);
    });
    await conn.command(`CREATE DATABASE IF NOT EXISTS ${location.database}`).catch(async (e) => {
      await conn.close();
      throw fail(e);
    });
    return conn;
  }
  const open = (database: string) =>
    openHttpConnection(location.url, {
      username: location.username,
      password: location.password,
      database,
    });
  try {
    return await open(location.database);
  } catch (e) {
    if (!(e instanceof ClickHouseError && e.code === UNKNOWN_DATABASE)) throw fail(e);
  }
  // the credentials passed, the database is missing: made from the server's default database
  try {
    const setup = await open('default');
    try {
      await setup.command(`CREATE DATABASE IF NOT EXISTS ${location.database}`);
    } finally {
      await setup.close();
    }
    return await open(location.database);
  } catch (e) {
    throw fail(e);
  }
}

/**
 * Why: the connection's message without the location it repeats (StoreUnavailable names it), and never
 * the password.
 */
function reasonOf(e: unknown, location?: ClickHouseDataLocation): string {
  let text = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  text = text.replace(/ at https?:\/\/\S+?(?=: | refused )/, '');
  const password = location?.engine === 'clickhouse' ? location.password : '';
  return password === '' ? text : text.replaceAll(password, '***');
}

async function schemaVersion(s: ChStore): Promise<number> {
  const rows = await s.conn.query<{ v: number }>(
    `SELECT max(version) AS v FROM ${s.database}.schema_migrations FINAL`,
  );
  return Number(rows[0]?.v ?? 0);
}

/**
 * The limits as the server reports them: a query's memory cap (the server's own when queries have none),
 * its threads, and where it spills.
 */
async function engineLimits(
  s: ChStore,
): Promise<{ memoryLimit: string; threads: number; tempDirectory: string }> {
  const [r] = await s.conn.query<{ memory: string; threads: number; tmp: string }>(
    `SELECT formatReadableSize(if(q > 0, q, toUInt64(server))) AS memory, threads, tmp
     FROM (SELECT toUInt64(getSetting('max_memory_usage')) AS q,
       toUInt64(getSetting('max_threads')) AS threads,
       (SELECT value FROM system.server_settings WHERE name = 'max_server_memory_usage') AS server,
       (SELECT value FROM system.server_settings WHERE name = 'tmp_path') AS tmp)`,
  );
  return {
    memoryLimit: String(r?.memory),
    threads: Number(r?.threads),
    tempDirectory: String(r?.tmp ?? ''),
  };
}
