// The DuckDB engine: the data plane (DataStore) and the control plane (ControlStore) in one file, each
// area of src/store/areas/ the list of its repo functions bound to one database (bind.ts); the few
// methods that need more than the database are written here. store/open.ts joins the two parts (or this
// data part to another engine's control part).
import { replaceSubscriptionMonths } from './subscription-months-repo.js';
import { subscriptionMonthsReads } from '../neutral/subscription-months-queries.js';
import { deriveFirstTouches } from './first-touch-repo.js';
import { deriveReportSessions } from './report-sessions-repo.js';
import type { ControlStore } from '../../control.js';
import type { DataStore } from '../../data.js';
import { insightsReads } from '../neutral/insights-reads.js';
import { reportReads } from '../neutral/report-reads.js';
import { queryNeutral } from './dialect.js';
import { storeParts } from '../../join.js';
import {
  attributionFits,
  attributionInputs,
  creditReport,
  creditReports,
  creditsOutOfStep,
  nonConvertingTouches,
  personCredits,
  replaceCredits,
} from './attribution-repo.js';
import { bind } from '../bind.js';
import {
  claimInvitation,
  consumePasswordReset,
  createInvitation,
  createPasswordReset,
  createUser,
  createUserSession,
  deleteUserSession,
  deleteUserSessions,
  findInvitation,
  findUserSession,
  getUser,
  listMembers,
  listMemberships,
  listUsers,
  removeMembership,
  setMembership,
  setUserPassword,
  userCredentials,
} from './users-repo.js';
import {
  appendAudit,
  createApiKey,
  findApiKeyByHash,
  listApiKeys,
  listAudit,
  revokeApiKey,
} from './api-keys-repo.js';
import { importEventsFile, loadEventJournal } from './bulk-load.js';
import { Db, type EngineLimits } from './connection.js';
import { countDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters-repo.js';
import { engineLimits, schemaVersion } from './engine-repo.js';
import { PrivacyKey, privacyKeyPath } from './erased-identifiers.js';
import { EventAppender } from './event-appender.js';
import { countEvents, queryEvents, saveUserAgents, userAgentsToParse } from './events-repo.js';
import { appendFxRates, fxConvert, fxRates } from './fx-repo.js';
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
} from './ad-costs-repo.js';
import {
  appendAdClicks,
  costsReport,
  creditedMilestones,
  explainCostMatch,
  taggingFacts,
} from './costs-repo.js';
import { deviceTimelines } from './identity-devices-repo.js';
import { identityEdgesReady, identityLinkFacts, saveIdentityEdges } from './identity-edges-repo.js';
import { appendIdentityLinks, listIdentityLinks } from './identity-links-repo.js';
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
} from './crm-repo.js';
import {
  appendStripeFacts,
  countStripeFacts,
  crmReachedMilestones,
  replaceRevenueMilestones,
  stripeFacts,
} from './stripe-repo.js';
import {
  countPersons,
  currentIdentities,
  deriveLeadMilestones,
  identityInputs,
  leadsByFirstTouchChannel,
  personsByIdentifier,
  personsOfAnonymousIds,
  quarantinedIdentifiers,
  refreshSeenIdentifiers,
  saveIdentities,
} from './identity-repo.js';
import {
  identityScope,
  saveScopedIdentities,
  scopedIdentityInputs,
} from './identity-scope-repo.js';
import { personJourney } from './journey-repo.js';
import { migrate } from './migrate.js';
import { personLookups } from './person-lookup-repo.js';
import { completeErasure, erasePerson, listErasures, personRows } from './privacy-repo.js';
import { redactionRuns, redactStoredEvents } from './redact-repo.js';
import {
  deriveSessions,
  listSessions,
  sessionsByChannel,
  sessionTouches,
} from './sessions-repo.js';
import { getSetting, setSetting } from './settings-repo.js';
import {
  appendWebhookReceipt,
  listWebhookReceipts,
  markWebhookReceiptsLoaded,
} from './webhook-receipts-repo.js';
import {
  deleteConnector,
  getConnector,
  listConnectors,
  putConnector,
  recordConnectorSync,
} from './connectors-repo.js';
import { beginLoginAttempt, clearLoginAttempts } from './login-attempts-repo.js';
import { acquireLease, clearLeases, releaseLease, renewLease } from './leases-repo.js';
import { deleteWorkspaceData } from './workspace-data-repo.js';
import { releaseAffectedEvents, stageAffectedEvents } from './affected-events.js';
import {
  createWorkspace,
  deleteWorkspaceControl,
  findWorkspaceByWriteKey,
  findWorkspaceBySecretHash,
  getWorkspace,
  listWorkspaces,
  setWorkspaceSecretHash,
} from './workspaces-repo.js';

// the engine's own handle on a data part it opened, for engine tests and test helpers only
const DATABASE = new WeakMap<DataStore, Db>();

/**
 * The database behind a data part this engine opened, or behind a Store joined from one (engine tests and
 * test helpers; nothing else may reach past Store).
 */
export function duckDbOf(store: DataStore): Db | undefined {
  return DATABASE.get(storeParts(store)?.data ?? store);
}

/** Both planes on one DuckDB file. The data part owns the database: closing it closes both. */
export interface DuckDbParts {
  data: DataStore;
  /** The control plane in the same file (used when no PostgreSQL is configured); its close() is a no-op. */
  control: ControlStore;
}

/** Opens (creating and migrating) the DuckDB database at `path`. */
export async function openDuckDbStore(path: string, limits?: EngineLimits): Promise<DuckDbParts> {
  const db = await Db.open(path, limits);
  await migrate(db);
  await clearLeases(db);
  const privacyKey = new PrivacyKey(db, privacyKeyPath(path));
  await privacyKey.load();
  const appender = new EventAppender(db);
  let isReady = true;
  const control: ControlStore = {
    controlEngine: 'duckdb',
    controlSchemaVersion: () => schemaVersion(db),
    ready: () => isReady,
    // the data part closes the database the two share
    close: async () => undefined,
    ...bind(db, {
      createWorkspace,
      listWorkspaces,
      getWorkspace,
      findWorkspaceByWriteKey,
      findWorkspaceBySecretHash,
      setWorkspaceSecretHash,
      deleteWorkspaceControl,
    }),
    ...bind(db, { getSetting, setSetting }),
    ...bind(db, { acquireLease, renewLease, releaseLease }),
    ...bind(db, {
      putConnector,
      getConnector,
      listConnectors,
      deleteConnector,
      recordConnectorSync,
    }),
    ...bind(db, {
      createUser,
      listUsers,
      getUser,
      userCredentials,
      setUserPassword,
      setMembership,
      removeMembership,
      listMemberships,
      listMembers,
      createUserSession,
      findUserSession,
      deleteUserSession,
      deleteUserSessions,
      createPasswordReset,
      consumePasswordReset,
      createInvitation,
      findInvitation,
      claimInvitation,
    }),
    ...bind(db, {
      createApiKey,
      listApiKeys,
      findApiKeyByHash,
      revokeApiKey,
      appendAudit,
      listAudit,
    }),
    ...bind(db, { beginLoginAttempt, clearLoginAttempts }),
  };
  const data: DataStore = {
    engine: 'duckdb',
    ready: () => isReady,
    async close() {
      isReady = false;
      await db.close();
    },
    ...bind(db, { engineLimits, schemaVersion }),
    ...bind(db, { deleteWorkspaceData }),
    ...bind(db, { importEventsFile, loadEventJournal, queryEvents, countEvents }),
    // the live path's group commit, for one request's events
    appendEvents: async (workspaceId, events, meta) =>
      (await appender.append([{ workspaceId, events, ...meta }]))[0]!,
    ...bind(db, { listDeadLetters, countDeadLetters, retryDeadLetters }),
    ...bind(db, { appendWebhookReceipt, listWebhookReceipts, markWebhookReceiptsLoaded }),
    ...bind(db, { stageAffectedEvents, releaseAffectedEvents }),
    ...bind(db, { userAgentsToParse, saveUserAgents }),
    ...bind(db, { appendFxRates, fxRates, fxConvert }),
    ...bind(db, {
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
    ...bind(db, {
      costsReport,
      taggingFacts,
      creditedMilestones,
      appendAdClicks,
      explainCostMatch,
    }),
    ...bind(db, { deriveSessions, listSessions, sessionsByChannel, sessionTouches }),
    ...bind(db, {
      refreshSeenIdentifiers,
      identityLinkFacts,
      saveIdentityEdges,
      identityEdgesReady,
      identityScope,
      currentIdentities,
      deviceTimelines,
    }),
    ...bind(db, {
      personsByIdentifier,
      quarantinedIdentifiers,
      personsOfAnonymousIds,
      countPersons,
      appendIdentityLinks,
      listIdentityLinks,
    }),
    identityInputs: (workspaceId, opts = {}) =>
      'scope' in opts
        ? scopedIdentityInputs(db, workspaceId, opts.scope)
        : identityInputs(db, workspaceId, opts),
    saveIdentities: (workspaceId, out, opts) =>
      opts.scope && !opts.full
        ? saveScopedIdentities(db, workspaceId, out, opts.scope)
        : saveIdentities(db, workspaceId, out, opts),
    ...bind(db, { deriveLeadMilestones, leadsByFirstTouchChannel }),
    ...bind(db, { personJourney }),
    ...bind(db, {
      attributionInputs,
      nonConvertingTouches,
      replaceCredits,
      creditReport,
      creditReports,
      attributionFits,
      creditsOutOfStep,
      personCredits,
    }),
    ...bind(db, { redactStoredEvents, redactionRuns }),
    ...personLookups(db),
    ...bind(db, {
      personRows,
      completeErasure,
      listErasures,
    }),
    erasePerson: (workspaceId, selection, meta) =>
      erasePerson(db, privacyKey, workspaceId, selection, meta),
    appendCrmChanges: (ws, changes) => appendCrmChanges(db, ws, changes, privacyKey.value),
    appendRevenueRecords: (ws, records) => appendRevenueRecords(db, ws, records, privacyKey.value),
    ...bind(db, {
      revenueRecords,
      crmChanges,
      crmStageKeys,
      deriveCrmMilestones,
      crmMatchCounts,
      crmDeals,
      crmMissingRates,
    }),
    appendStripeFacts: (ws, facts) => appendStripeFacts(db, ws, facts, privacyKey.value),
    ...bind(db, {
      countStripeFacts,
      stripeFacts,
      replaceRevenueMilestones,
      crmReachedMilestones,
    }),
    ...reportReads((q) => queryNeutral(db, q)),
    ...insightsReads((q) => queryNeutral(db, q)),
    ...bind(db, { deriveFirstTouches }),
    ...bind(db, { deriveReportSessions }),
    ...bind(db, { replaceSubscriptionMonths }),
    ...subscriptionMonthsReads((q) => queryNeutral(db, q)),
  };
  DATABASE.set(data, db);
  return { data, control };
}

// a report's table as CSV or Parquet, by DuckDB's writers whatever engine holds the data (store/table-export.ts)
export {
  exportTable,
  type ExportColumn,
  type ExportColumnType,
  type ExportFormat,
} from './table-export.js';
