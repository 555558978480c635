// Salesforce's REST API and OAuth token endpoint as a local replay for the client's tests: the
// fixtures' query pages by SOQL object, the tokens it accepts, and a client whose waits are recorded.

import { json, startReplay, type ReplayAnswer, type ReplayRequest } from './replay-server.js';
import { salesforceFixture, type SalesforceJsonFixture } from './salesforce-fixtures.js';
import {
  type SalesforceBackfillPage,
  type SalesforceClientLog,
  type SalesforceClientOptions,
  type SalesforceTokens,
} from '../sources/salesforce/client-types.js';

import { createSalesforceClient } from '../sources/salesforce/client.js';

export const OLD_TOKEN = '00D5e0000ORG001AAA!AQ4AQOLDEXPIREDSESSIONabc.def_456';
export const NEW_TOKEN = '00D5e0000ORG001AAA!AQ4AQFRESHACCESSTOKENxyz.abc_123'; // token.refresh's
export const REFRESH =
  '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5DnNPxzDIoGoWi4evqOl_QT1B7ZJ0pnqH';
export const ROTATED =
  '5Aep861ROTATEDrefreshTOKENzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
export const CLIENT_SECRET = 'F1E2D3C4B5A69788776655443322110FFEEDDCCBBAA99887766554433221100';
export const LOCATOR = '/services/data/v62.0/query/01gRO0000016PIAYA2-2000';

type Seen = ReplayRequest;
type Handler = (req: Seen) => ReplayAnswer;
export const replay = (handler: Handler) => startReplay(handler);

export const sessionExpired = [
  { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
];
export const soqlOf = (req: Seen) => req.url.searchParams.get('q') ?? '';
export const fromOf = (req: Seen) =>
  /\bFROM (\w+)/.exec(soqlOf(req))?.[1] ?? (req.url.pathname.startsWith(LOCATOR) ? 'locator' : '');

const PAGES: Record<string, SalesforceJsonFixture> = {
  Lead: 'query.leads.page1',
  locator: 'query.leads.page2',
  Contact: 'query.contacts',
  Opportunity: 'query.opportunities',
  OpportunityHistory: 'query.opportunity-history',
  OpportunityContactRole: 'query.contact-roles',
  OpportunityStage: 'query.opportunity-stages',
  LeadStatus: 'query.lead-statuses',
  LeadHistory: 'query.lead-history',
};

/** Salesforce as the fixtures tell it; `tokens` are the access tokens it accepts. */
export function salesforce(tokens: Set<string>, rotate = false): Handler {
  return (req) => {
    if (req.method === 'POST' && req.url.pathname === '/services/oauth2/token') {
      const form = new URLSearchParams(req.body);
      if (form.get('refresh_token') !== REFRESH && form.get('refresh_token') !== ROTATED)
        return json(400, {
          error: 'invalid_grant',
          error_description: 'expired access/refresh token',
        });
      tokens.add(NEW_TOKEN);
      const answer = salesforceFixture<Record<string, unknown>>('token.refresh');
      return json(200, rotate ? { ...answer, refresh_token: ROTATED } : answer);
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(token)) return json(401, sessionExpired);
    const page = PAGES[fromOf(req)];
    if (req.method === 'GET' && page) return json(200, salesforceFixture(page));
    return json(404, [
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
  };
}

export function clientFor(baseUrl: string, extra: Partial<SalesforceClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: SalesforceClientLog[] = [];
  const tokens: SalesforceTokens[] = [];
  const client = createSalesforceClient({
    instanceUrl: baseUrl,
    accessToken: NEW_TOKEN,
    random: () => 0, // backoff = half its step
    sleep: async (ms) => void sleeps.push(ms),
    log: (l) => void logs.push(l),
    onTokens: (t) => void tokens.push(t),
    ...extra,
  });
  return { client, sleeps, logs, tokens };
}

export async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

export const summary = (p: SalesforceBackfillPage) => [
  p.object,
  p.records.map((r) => r.Id.slice(9, 15)).join(),
  `${p.cursor.stage}:${p.cursor.nextRecordsUrl ? 'locator' : ''}:${p.cursor.since[p.object] ?? ''}`,
];
