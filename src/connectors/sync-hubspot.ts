// HubSpot's sync. The first pass is a backfill: contacts, companies, then deals with their `dealstage`
// history and contacts, page by page (`after`), from the stored cursor. Every later pass is incremental:
// the CRM search API gives only the contacts and deals modified since the cursor (incremental.ts),
// each deal read again with its history. A finished pass stores where the next one starts: the latest
// modification it saw, but never later than its own start (less a margin for HubSpot's search index
// and clocks), so a change made while a pass ran is read by the next. Every record's key is stable, so
// what is read twice stores nothing. Companies give no change records (HubSpot's company lifecycle is
// not a person's milestone): a backfill reads them so that the pass is whole, and counts them.
import { z } from 'zod';
import {
  changedSince,
  changesFrom,
  contactChanges,
  createHubSpotClient,
  dealChanges,
  modifiedAt,
  resolveHubSpotMapping,
  type BackfillCursor,
  type BackfillPage,
  type ChangesCursor,
  type ChangesPage,
  type DealContacts,
  type HubSpotCrmObject,
  type HubSpotMapping,
  type MappingIssue,
} from '../sources/hubspot/index.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { createHttpClient, createScrubber } from '../sources/http/index.js';
import type { SyncBatch, SyncContext } from './sync.js';

/** How far before its own start a pass's successor begins at the latest (search index lag, clocks). */
export const HUBSPOT_SYNC_OVERLAP_MS = 10 * 60_000;

const time = z.number().int();
/** Where the next pass starts (a finished pass), or none (a cursor stored before incremental sync). */
const Done = z.object({ stage: z.literal('done'), after: z.null(), since: time.optional() });
/** A backfill under way; `started` and `seen` are absent on a cursor stored before incremental sync. */
const Backfill = z.object({
  mode: z.literal('backfill').optional(),
  stage: z.enum(['contacts', 'companies', 'deals']),
  after: z.string().nullable(),
  started: time.optional(),
  seen: time.nullable().optional(),
});
const Changes = z.object({
  mode: z.literal('changes'),
  stage: z.enum(['contacts', 'deals', 'archived']),
  after: z.string().nullable(),
  since: time,
  window: time,
  read: z.number().int().nonnegative(),
  started: time,
  seen: time.nullable(),
});
const Cursor = z.union([Done, Backfill, Changes]);

/** A pass and where it stands: `started` (local clock) and the latest modification it has seen. */
export type HubSpotPass =
  | { mode: 'backfill'; cursor: BackfillCursor; started: number; seen: number | null }
  | { mode: 'changes'; cursor: ChangesCursor; started: number; seen: number | null };

/**
 * The pass a sync runs: the stored one resumed, an incremental one after a finished pass that says
 * where to start, else (nothing stored, or a cursor of another shape) a whole backfill.
 */
export function hubspotStart(stored: unknown, now: number = Date.now()): HubSpotPass {
  const c = Cursor.safeParse(stored);
  const backfill: HubSpotPass = {
    mode: 'backfill',
    cursor: { stage: 'contacts', after: null },
    started: now,
    seen: null,
  };
  if (!c.success) return backfill;
  const v = c.data;
  if (v.stage === 'done')
    return v.since === undefined
      ? backfill
      : { mode: 'changes', cursor: changesFrom(v.since), started: now, seen: null };
  if ('mode' in v && v.mode === 'changes') {
    const { stage, after, since, window, read } = v;
    return {
      mode: 'changes',
      cursor: { stage, after, since, window, read },
      started: v.started,
      seen: v.seen,
    };
  }
  return {
    mode: 'backfill',
    cursor: { stage: v.stage, after: v.after },
    started: v.started ?? now,
    seen: v.seen ?? null,
  };
}

/** Where the pass after a finished one starts (see the head of this file). */
export function nextSince(pass: HubSpotPass): number {
  const before = pass.mode === 'changes' ? pass.cursor.since : null;
  const latest = Math.max(before ?? -Infinity, pass.seen ?? -Infinity);
  const bound = pass.started - HUBSPOT_SYNC_OVERLAP_MS;
  return Number.isFinite(latest) ? Math.min(bound, latest) : bound;
}

/** The cursor stored after a page: the pass's position, or where the next pass starts. */
function storedCursor(pass: HubSpotPass): unknown {
  const { started, seen } = pass;
  if (pass.cursor.stage === 'done') return { stage: 'done', after: null, since: nextSince(pass) };
  return { mode: pass.mode, ...pass.cursor, started, seen };
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
});

/** An OAuth app's refresh-token grant (HubSpot's /oauth/v1/token), its new refresh token kept. */
function oauthRefresh(ctx: SyncContext, baseUrl: string | undefined): () => Promise<string> {
  const k = ctx.connector.credentials;
  // every secret of the grant is masked in what an error could show
  const scrub = createScrubber('[secret]');
  for (const secret of [k.refreshToken, k.clientSecret]) scrub.add(secret);
  const login = createHttpClient({
    vendor: 'HubSpot',
    baseUrl: baseUrl ?? 'https://api.hubapi.com',
    scrub,
    maxRetries: ctx.client.maxRetries,
    sleep: ctx.client.sleep,
  });
  let refreshToken = k.refreshToken!;
  return async () => {
    const t = await login.getJson(
      {
        method: 'POST',
        path: '/oauth/v1/token',
        shown: '/oauth/v1/token',
        form: {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: k.clientId ?? '',
          client_secret: k.clientSecret ?? '',
        },
      },
      (v) => TokenAnswer.parse(v),
    );
    if (t.refresh_token && t.refresh_token !== refreshToken) {
      refreshToken = t.refresh_token;
      scrub.add(refreshToken);
      ctx.rotated({ refreshToken });
    }
    // the access token is not stored (the connector keeps none for HubSpot): each run asks anew
    scrub.add(t.access_token);
    return t.access_token;
  };
}

/** A page's change records under the mapping, and how many of its objects had an issue. */
function pageRecords(
  kind: 'contacts' | 'companies' | 'deals',
  objects: readonly HubSpotCrmObject[],
  associations: readonly DealContacts[],
  mapping: HubSpotMapping,
): { records: CrmChangeRecord[]; issues: number } {
  const issues: MappingIssue[] = [];
  let records: CrmChangeRecord[] = [];
  if (kind === 'contacts') {
    records = objects.flatMap((c) => contactChanges(c, mapping, { issues }));
  } else if (kind === 'deals') {
    const contacts = new Map(associations.map((a) => [a.dealId, a.contacts]));
    records = objects.flatMap((d) =>
      dealChanges(d, mapping, {
        issues,
        contactIds: (contacts.get(d.id) ?? []).map((c) => c.toObjectId),
      }),
    );
  }
  return { records, issues: new Set(issues.map((i) => `${i.objectType}:${i.objectId}`)).size };
}

export async function* syncHubSpot(ctx: SyncContext): AsyncGenerator<SyncBatch, void, undefined> {
  const k = ctx.connector.credentials;
  const baseUrl = ctx.connector.baseUrl ?? undefined;
  // an OAuth app (no private app token): an access token from the refresh token, refreshed again on expiry
  const refresh = !k.apiKey && k.refreshToken && k.clientId ? oauthRefresh(ctx, baseUrl) : null;
  const token = k.apiKey ?? (refresh ? await refresh() : (k.accessToken ?? ''));
  const client = createHubSpotClient({
    accessToken: token,
    baseUrl,
    ...(refresh ? { refreshAccessToken: refresh } : {}),
    ...ctx.client,
  });
  // the pipelines say which stages are won and lost
  const mapping = resolveHubSpotMapping(ctx.mappingSettings, await client.dealPipelines());
  const start = hubspotStart(ctx.connector.cursor);
  let seen = start.seen;
  // a page's batch, with the cursor after it
  const batch = (page: BackfillPage | ChangesPage, at: HubSpotPass): SyncBatch => {
    const associations = page.kind === 'deals' ? page.associations : [];
    const { records, issues } = pageRecords(page.kind, page.objects, associations, mapping);
    return { records, rows: page.objects.length, issues, cursor: storedCursor(at) };
  };
  const see = (objects: readonly HubSpotCrmObject[]) => {
    for (const o of objects) seen = Math.max(seen ?? -Infinity, modifiedAt(o));
    return seen;
  };
  if (start.mode === 'backfill') {
    for await (const page of client.backfill({ cursor: start.cursor }))
      yield batch(page, { ...start, cursor: page.cursor, seen: see(page.objects) });
  } else {
    const options = ctx.client.pageSize ? { pageSize: ctx.client.pageSize } : {};
    for await (const page of changedSince(client, start.cursor, options))
      yield batch(page, { ...start, cursor: page.cursor, seen: see(page.objects) });
  }
}
