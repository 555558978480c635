// A simulated world's Salesforce org (src/sim/salesforce-writer.ts) served over Salesforce's REST API
// for the connector's world tests: the SOQL the client writes (`WHERE SystemModstamp >= t`,
// `WHERE Id|OpportunityId|LeadId IN (...)`, `ORDER BY`), answered with the fields it asked for, a few
// records a page joined by `nextRecordsUrl`; the org's stock stage and status settings; and only the
// access token it was given. `org.now` is the moment the org is read at: a test moves it on.
import {
  SalesforceWorld,
  type SalesforceRow,
  type SalesforceWorldObject,
} from '../sim/salesforce-writer.js';
import { json, startReplay, type ReplayRequest } from './replay-server.js';
import { salesforceFixture } from './salesforce-fixtures.js';

const QUERY_PATH = '/services/data/v62.0/query';
const OBJECTS = new Set<string>([
  'Lead',
  'LeadHistory',
  'Contact',
  'Opportunity',
  'OpportunityHistory',
  'OpportunityContactRole',
]);

export interface WorldOrg {
  baseUrl: string;
  requests: ReplayRequest[];
  /** Reads see the writes up to this moment (epoch ms). */
  now: number;
  close(): Promise<void>;
}

/** One SOQL statement's rows, filtered and ordered as asked, with only the asked fields. */
function answer(world: SalesforceWorld, at: number, soql: string): SalesforceRow[] | null {
  const m = /^SELECT (.+) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY (.+))?$/.exec(soql);
  if (!m || !OBJECTS.has(m[2]!)) return null;
  const fields = m[1]!.split(', ');
  let rows = world.recordsAt(m[2] as SalesforceWorldObject, at);
  const where = m[3];
  if (where) {
    const since = /^SystemModstamp >= (\S+)$/.exec(where);
    const ids = /^(Id|OpportunityId|LeadId) IN \((.+)\)$/.exec(where);
    if (since) {
      const t = Date.parse(since[1]!);
      rows = rows.filter((r) => Date.parse(String(r.SystemModstamp)) >= t);
    } else if (ids) {
      const set = new Set(ids[2]!.split(', ').map((s) => s.replace(/^'|'$/g, '')));
      rows = rows.filter((r) => set.has(String(r[ids[1]!])));
    } else return null;
  }
  if (m[4]?.startsWith('SystemModstamp'))
    rows.sort(
      (a, b) =>
        Date.parse(String(a.SystemModstamp)) - Date.parse(String(b.SystemModstamp)) ||
        (a.Id < b.Id ? -1 : 1),
    );
  return rows.map((r) => {
    const out: SalesforceRow = { attributes: r.attributes, Id: r.Id };
    for (const f of fields) out[f] = r[f] ?? null;
    return out;
  });
}

/** Serves `world` as an org whose API accepts `token`; `pageSize` records a page. */
export async function startWorldOrg(
  world: SalesforceWorld,
  options: { token: string; now: number; pageSize?: number },
): Promise<WorldOrg> {
  const pageSize = options.pageSize ?? 100;
  const results = new Map<string, SalesforceRow[]>();
  const page = (id: string, offset: number) => {
    const rows = results.get(id)!;
    const end = offset + pageSize;
    const done = end >= rows.length;
    return json(200, {
      totalSize: rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `${QUERY_PATH}/${id}-${end}` }),
      records: rows.slice(offset, end),
    });
  };
  const state = { now: options.now };
  const server = await startReplay((req) => {
    if ((req.headers.authorization ?? '') !== `Bearer ${options.token}`)
      return json(401, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    if (req.method !== 'GET') return json(405, [{ message: 'GET only', errorCode: 'METHOD' }]);
    const locator = new RegExp(`^${QUERY_PATH}/(01gSIM\\d+)-(\\d+)$`).exec(req.url.pathname);
    if (locator && results.has(locator[1]!)) return page(locator[1]!, Number(locator[2]));
    const soql = req.url.pathname === QUERY_PATH ? (req.url.searchParams.get('q') ?? '') : '';
    if (/\bFROM OpportunityStage\b/.test(soql))
      return json(200, salesforceFixture('query.opportunity-stages'));
    if (/\bFROM LeadStatus\b/.test(soql))
      return json(200, salesforceFixture('query.lead-statuses'));
    const rows = soql ? answer(world, state.now, soql) : null;
    if (!rows)
      return json(400, [{ message: `not understood: ${soql}`, errorCode: 'MALFORMED_QUERY' }]);
    const id = `01gSIM${results.size + 1}`;
    results.set(id, rows);
    return page(id, 0);
  });
  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    get now() {
      return state.now;
    },
    set now(t: number) {
      state.now = t;
    },
    close: () => server.close(),
  };
}
