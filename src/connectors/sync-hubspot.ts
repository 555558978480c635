// HubSpot's sync: contacts, companies, then deals with their `dealstage` history and contacts, page by
// page (`after`), from the stored cursor. The list API has no modified-since filter, so a finished pass
// is followed by a whole new one: every record's key is stable, so a re-read stores only what changed.
// Companies give no change records (HubSpot's company lifecycle is not a person's milestone); they are
// read so that the pass is whole, and counted.
import { z } from 'zod';
import {
  contactChanges,
  createHubSpotClient,
  dealChanges,
  resolveHubSpotMapping,
  type BackfillCursor,
  type MappingIssue,
} from '../sources/hubspot/index.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { createHttpClient, createScrubber } from '../sources/http/index.js';
import type { SyncBatch, SyncContext } from './sync.js';

const Cursor = z.object({
  stage: z.enum(['contacts', 'companies', 'deals', 'done']),
  after: z.string().nullable(),
});

/** The stored cursor, or the start of a pass (none stored, a finished pass, or one not of this shape). */
export function hubspotStart(stored: unknown): BackfillCursor {
  const c = Cursor.safeParse(stored);
  return c.success && c.data.stage !== 'done' ? c.data : { stage: 'contacts', after: null };
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
  for await (const page of client.backfill({ cursor: hubspotStart(ctx.connector.cursor) })) {
    const issues: MappingIssue[] = [];
    let records: CrmChangeRecord[];
    if (page.kind === 'contacts') {
      records = page.objects.flatMap((c) => contactChanges(c, mapping, { issues }));
    } else if (page.kind === 'deals') {
      const contacts = new Map(page.associations.map((a) => [a.dealId, a.contacts]));
      records = page.objects.flatMap((d) =>
        dealChanges(d, mapping, {
          issues,
          contactIds: (contacts.get(d.id) ?? []).map((c) => c.toObjectId),
        }),
      );
    } else records = [];
    yield {
      records,
      rows: page.objects.length,
      issues: new Set(issues.map((i) => `${i.objectType}:${i.objectId}`)).size,
      cursor: page.cursor,
    };
  }
}
