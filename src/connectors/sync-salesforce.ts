// Salesforce's sync over REST/SOQL: Lead (its status, its LeadHistory rows, and the contact, account and
// opportunity a conversion linked), Contact, Opportunity, OpportunityHistory and OpportunityContactRole, each by
// `SystemModstamp` with `nextRecordsUrl` paging, from the stored cursor. A finished pass's next run is
// incremental: every object again from its own SystemModstamp watermark (inclusive; keys make the
// overlap harmless). An opportunity is mapped with its whole stage history and contact roles, so an
// Opportunity page re-reads those of its opportunities, and a history or contact-role page re-reads the
// opportunities it touches. An expired session is refreshed once (OAuth refresh-token flow); a rotated
// refresh token is stored, sealed, before the next page.
import { z } from 'zod';
import {
  BACKFILL_OBJECTS,
  contactChanges,
  createSalesforceClient,
  leadChanges,
  opportunitiesChanges,
  resolveSalesforceMapping,
  type MappingIssue,
  type SalesforceClient,
  type SalesforceCursor,
  type SalesforceMapping,
} from '../sources/salesforce/index.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { SyncBatch, SyncContext } from './sync.js';

const Cursor = z.object({
  stage: z.enum([...BACKFILL_OBJECTS, 'done']),
  nextRecordsUrl: z.string().nullable(),
  since: z.record(z.string(), z.string()),
});

/** Where this run starts: the stored cursor, the next (incremental) pass of a finished one, or the start. */
export function salesforceStart(
  client: SalesforceClient,
  stored: unknown,
): SalesforceCursor | null {
  const c = Cursor.safeParse(stored);
  if (!c.success) return null;
  const cursor = c.data as SalesforceCursor;
  return cursor.stage === 'done' ? client.nextPass(cursor) : cursor;
}

async function opportunityRecords(
  client: SalesforceClient,
  ids: readonly string[],
  mapping: SalesforceMapping,
  options: { organizationId: string | null; issues: MappingIssue[] },
): Promise<CrmChangeRecord[]> {
  if (ids.length === 0) return [];
  return opportunitiesChanges(await client.opportunityDetails(ids), mapping, options);
}

export async function* syncSalesforce(
  ctx: SyncContext,
): AsyncGenerator<SyncBatch, void, undefined> {
  const c = ctx.connector;
  const k = c.credentials;
  if (!c.baseUrl)
    throw new TypeError(
      "Salesforce: the connector has no baseUrl (the org's My Domain URL, e.g. https://acme.my.salesforce.com)",
    );
  const loginUrl = typeof c.options.loginUrl === 'string' ? c.options.loginUrl : undefined;
  const organizationId =
    typeof c.options.organizationId === 'string' ? c.options.organizationId : null;
  const client = createSalesforceClient({
    instanceUrl: c.baseUrl,
    accessToken: k.accessToken,
    oauth: k.refreshToken
      ? {
          refreshToken: k.refreshToken,
          clientId: k.clientId ?? '',
          clientSecret: k.clientSecret,
          loginUrl,
        }
      : undefined,
    // a new access token saves the next run a refresh; a rotated refresh token must be kept
    onTokens: (t) =>
      ctx.rotated({
        accessToken: t.accessToken,
        ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
      }),
    multiCurrency: c.options.multiCurrency === true,
    batchSize: ctx.client.pageSize,
    maxRetries: ctx.client.maxRetries,
    backoffMs: ctx.client.backoffMs,
    sleep: ctx.client.sleep,
    log: ctx.client.log,
  });
  const mapping = resolveSalesforceMapping(ctx.mappingSettings, {
    opportunityStages: await client.opportunityStages(),
    leadStatuses: await client.leadStatuses(),
  });
  const cursor = salesforceStart(client, c.cursor);
  for await (const page of client.backfill({ cursor })) {
    const issues: MappingIssue[] = [];
    const opts = { organizationId, issues };
    let records: CrmChangeRecord[];
    if (page.object === 'Lead') {
      // a lead's status or conversion moves its SystemModstamp: its history is read with it
      const history = page.records.length
        ? await client.leadHistory(page.records.map((l) => l.Id))
        : [];
      records = page.records.flatMap((l) => leadChanges(l, mapping, { ...opts, history }));
    } else if (page.object === 'Contact')
      records = page.records.flatMap((x) => contactChanges(x, mapping, opts));
    else {
      const ids =
        page.object === 'Opportunity'
          ? page.records.map((o) => o.Id)
          : [...new Set(page.records.map((r) => r.OpportunityId))];
      records = await opportunityRecords(client, ids, mapping, opts);
    }
    yield {
      records,
      rows: page.records.length,
      issues: new Set(issues.map((i) => `${i.objectType}:${i.objectId}`)).size,
      cursor: page.cursor,
    };
  }
}
