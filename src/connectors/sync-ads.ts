// An ad platform connector's sync: the account's daily costs read through the platform's client a chunk
// of days at a time (ad-platforms.ts), each chunk stored as one API import of those days (the store
// keeps the latest import of a day in effect: a re-sync of a period replaces it, never doubles it, and
// the older imports stay on record), then the cursor moved past it. The cursor, per account, is the last
// complete day, and the period a run was asked for until it ends: a run after a failure carries on
// from the day after the last chunk stored. Where the platform tells its clicks (Google's click_view,
// asked day by day and kept 90 days), each day of a chunk within those 90 days has its clicks read and
// stored with the chunk (appended facts: a re-read click's latest row is the one in effect).
//
// The period: --from/--to when given; else, on an account's first sync, the last 30 days; after that,
// from a few days before the last complete day (platforms restate recent days: late conversions,
// invalid-click credits) to yesterday, in the workspace's time zone.
import { z } from 'zod';
import { slices } from '../sources/ads/client-options.js';
import { AdFileError } from '../sources/ads/records.js';
import { GoogleAdsRowError } from '../sources/google-ads/stream.js';
import { LinkedInRowError } from '../sources/linkedin-ads/analytics.js';
import { MetaRowError } from '../sources/meta-ads/insights.js';
import { adCostProblem, newAdCostImportId } from '../store/areas/ad-costs.js';
import { adClickProblem, type AdClickRow } from '../store/areas/costs.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';
import { adCursorOf, type AccountCursor } from './ad-cursor.js';
import { AD_PLATFORM_CONNECTORS, adAccountOf } from './ad-platforms.js';
import { ConnectorError } from './errors.js';
import { setConnector, type OpenedConnector } from './settings.js';
import {
  failureMessage,
  type StartedSync,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
} from './sync.js';
import type { AdConnectorName } from './vendors.js';

/** Days read on an account's first sync, and re-read before the last complete day after that. */
export const FIRST_SYNC_DAYS = 30;
export const RESTATED_DAYS = 3;
/** Days back (to yesterday) that a platform keeps its clicks: Google answers click_view for 90. */
export const CLICK_DAYS = 90;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Today in a time zone, as YYYY-MM-DD. */
export function dayIn(timezone: string, at: Date): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
}

export interface AdSyncPeriod {
  from: string;
  to: string;
  /** Where this run starts (after the chunks a failed run of the same period stored). */
  start: string;
}

/**
 * The period a run reads, from the account's cursor, the asked period (both days or neither) and
 * yesterday. A failed run's period is carried on when nothing else is asked, or the same is.
 */
export function adSyncPeriod(
  cursor: AccountCursor | undefined,
  asked: { from?: string | undefined; to?: string | undefined },
  yesterday: string,
): AdSyncPeriod {
  const p = cursor?.pending;
  if (asked.from !== undefined && asked.to !== undefined) {
    if (asked.from > asked.to)
      throw new ConnectorError(
        400,
        'invalid_period',
        `from ${asked.from} is after to ${asked.to}`,
        'from',
      );
    const same = p && p.from === asked.from && p.to === asked.to;
    return {
      from: asked.from,
      to: asked.to,
      start: same && p.done ? addDays(p.done, 1) : asked.from,
    };
  }
  if (p) {
    const to = p.to > yesterday ? p.to : yesterday;
    return { from: p.from, to, start: p.done ? addDays(p.done, 1) : p.from };
  }
  const from = cursor?.lastDay
    ? addDays(cursor.lastDay, -RESTATED_DAYS)
    : addDays(yesterday, 1 - FIRST_SYNC_DAYS);
  // a last day after yesterday (a backfill asked up to today): still the restated days up to it
  const to = cursor?.lastDay && cursor.lastDay > yesterday ? cursor.lastDay : yesterday;
  return { from, to, start: from };
}

// a platform answer the readers refuse names the row and field (never a credential)
const READER_ERRORS = [GoogleAdsRowError, MetaRowError, LinkedInRowError, AdFileError];
const readerError = (err: unknown): string | null =>
  READER_ERRORS.some((E) => err instanceof E)
    ? `an answer could not be read: ${(err as Error).message.slice(0, 400)}`
    : null;

/**
 * Starts an ad connector's sync (the connector opened, its settings checked: a 400 naming what is
 * missing); resolves once the status says `running`.
 */
export async function startAdSync(
  store: Store,
  box: SecretBox,
  connector: OpenedConnector & { name: AdConnectorName },
  options: SyncOptions,
): Promise<StartedSync> {
  const { workspaceId, name } = connector;
  const p = AD_PLATFORM_CONNECTORS[name];
  const account = adAccountOf(name, connector);
  const day = Day.safeParse;
  for (const k of ['from', 'to'] as const)
    if (options[k] !== undefined && !day(options[k]).success)
      throw new ConnectorError(400, 'invalid_period', `${k}: is not a day as YYYY-MM-DD`, k);
  if ((options.from === undefined) !== (options.to === undefined))
    throw new ConnectorError(
      400,
      'invalid_period',
      'give both from and to, or neither',
      options.from ? 'to' : 'from',
    );
  const now = options.now ?? (() => new Date());
  const ws = await store.getWorkspace(workspaceId);
  const yesterday = addDays(dayIn(ws?.timezone ?? 'UTC', now()), -1);
  const cursor = adCursorOf(connector.cursor);
  const period = adSyncPeriod(cursor.accounts[account], options, yesterday);
  const at: AccountCursor = {
    lastDay: cursor.accounts[account]?.lastDay ?? null,
    pending: {
      from: period.from,
      to: period.to,
      done: period.start > period.from ? addDays(period.start, -1) : null,
    },
  };
  const progress: SyncProgress & { days: number; clicks: number } = {
    rows: 0,
    records: 0,
    inserted: 0,
    errors: 0,
    days: 0,
    clicks: 0,
  };
  const firstClickDay = addDays(yesterday, 1 - CLICK_DAYS);
  const status = (s: 'running' | 'ok' | 'failed', message: string | null) =>
    store.recordConnectorSync(workspaceId, name, {
      cursor: { accounts: { ...cursor.accounts, [account]: at } },
      lastSync: {
        at: now().toISOString(),
        status: s,
        rows: progress.rows,
        errors: progress.errors,
        message,
      },
    });
  let rotated: string | null = null;
  const read = p.reader({
    connector,
    client: options.client ?? {},
    rotated: (refreshToken) => {
      rotated = refreshToken;
    },
  });
  const saveRotated = async () => {
    if (rotated === null) return;
    const refreshToken = rotated;
    rotated = null;
    await setConnector(store, box, workspaceId, name, { refreshToken });
  };
  await status('running', null);

  const done = (async (): Promise<SyncResult> => {
    const chunks =
      period.start <= period.to
        ? slices(period.start, period.to, options.chunkDays ?? p.chunkDays)
        : [];
    try {
      for (const chunk of chunks) {
        const rows = await read(account, chunk.from, chunk.to);
        const clicks: AdClickRow[] = [];
        if (read.clicks)
          for (const { from: d } of slices(chunk.from, chunk.to, 1))
            if (d >= firstClickDay) clicks.push(...(await read.clicks(account, d)));
        await saveRotated();
        const imp = {
          // the real clock, whatever `now` says: the latest import of a day is the one in effect
          importId: newAdCostImportId(),
          platform: p.platform,
          accountId: account,
          from: chunk.from,
          to: chunk.to,
          source: 'api',
        };
        const problem = adCostProblem(imp, rows);
        if (problem)
          throw new ConnectorError(
            400,
            'bad_rows',
            `${name} ${chunk.from}..${chunk.to}: ${problem}`,
            'rows',
          );
        const clickProblem = adClickProblem(clicks);
        if (clickProblem)
          throw new ConnectorError(
            400,
            'bad_rows',
            `${name} clicks ${chunk.from}..${chunk.to}: ${clickProblem}`,
            'clicks',
          );
        const stored = await store.appendAdCosts(workspaceId, imp, rows);
        if (clicks.length > 0)
          await store.appendAdClicks(
            workspaceId,
            { platform: p.platform, accountId: account },
            clicks,
          );
        progress.clicks += clicks.length;
        // the chunk is durable: the cursor may pass it
        at.pending = { from: period.from, to: period.to, done: chunk.to };
        if (at.lastDay === null || chunk.to > at.lastDay) at.lastDay = chunk.to;
        progress.rows += rows.length;
        progress.records += rows.length;
        progress.inserted += stored.rows;
        progress.days += slices(chunk.from, chunk.to, 1).length;
        await status('running', null);
        options.onProgress?.({ ...progress });
      }
    } catch (err) {
      await saveRotated().catch(() => undefined);
      progress.errors += 1;
      const message = readerError(err) ?? failureMessage(err);
      await status('failed', message);
      return { name, status: 'failed', ...progress, duplicates: 0, message };
    }
    at.pending = null;
    const clicked = read.clicks ? `, ${progress.clicks} clicks` : '';
    const message = `${progress.rows} cost rows over ${progress.days} days (${period.start}..${period.to}) of account ${account}${clicked}`;
    await status('ok', message);
    return { name, status: 'ok', ...progress, duplicates: 0, message };
  })();
  return { done };
}
