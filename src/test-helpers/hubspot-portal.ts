// A generated HubSpot portal for sync tests and the backfill bench: N contacts, companies and deals
// served by the replay server in HubSpot's documented shapes (v3 object pages with `paging.next.after`,
// deals with `propertiesWithHistory.dealstage`, v4 deal-contact associations, the deal pipelines),
// generated on request so 100k deals cost no memory. `intercept` answers first (a 429, a 5xx, a page
// that fails once); undefined lets the portal answer.
import { json, startReplay, type ReplayAnswer, type ReplayRequest } from './replay-server.js';

export interface HubSpotPortal {
  contacts: number;
  companies: number;
  deals: number;
}

export interface PortalRequest {
  req: ReplayRequest;
  /** The object list of a page request, else null. */
  list: 'contacts' | 'companies' | 'deals' | null;
  /** The 1-based page of a list request (from its `after` and `limit`). */
  page: number;
}

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'contractsent', 'closedwon'];

export function contactObject(i: number) {
  const created = T0 + i * 60_000;
  const stage = i % 3 === 0 ? 'salesqualifiedlead' : 'lead';
  return {
    id: String(1000 + i),
    properties: {
      email: `person${i}@example.com`,
      lifecyclestage: stage,
      hs_lifecyclestage_lead_date: iso(created),
      ...(stage === 'salesqualifiedlead'
        ? { hs_lifecyclestage_salesqualifiedlead_date: iso(created + 2 * DAY) }
        : {}),
      createdate: iso(created),
    },
    createdAt: iso(created),
    updatedAt: iso(created + 2 * DAY),
    archived: false,
  };
}

export function companyObject(i: number) {
  const created = T0 + i * 60_000;
  return {
    id: String(500_000 + i),
    properties: { name: `Company ${i}`, domain: `company${i}.example.com` },
    createdAt: iso(created),
    updatedAt: iso(created),
    archived: false,
  };
}

/** Deal i: it moved through 1-4 stages of the default pipeline, a day apart (newest first). */
export function dealObject(i: number) {
  const created = T0 + i * 60_000;
  const reached = 1 + (i % STAGES.length);
  const history = STAGES.slice(0, reached)
    .map((value, s) => ({ value, timestamp: iso(created + s * DAY), sourceType: 'CRM_UI' }))
    .reverse();
  const stage = STAGES[reached - 1]!;
  return {
    id: String(9_000_000 + i),
    properties: {
      dealname: `Deal ${i}`,
      amount: String(1000 + (i % 50) * 100),
      deal_currency_code: 'USD',
      pipeline: 'default',
      dealstage: stage,
      hs_is_closed: String(stage === 'closedwon'),
      hs_is_closed_won: String(stage === 'closedwon'),
      createdate: iso(created),
    },
    propertiesWithHistory: { dealstage: history },
    createdAt: iso(created),
    updatedAt: iso(created + reached * DAY),
    archived: false,
  };
}

const PIPELINES = {
  results: [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      archived: false,
      stages: STAGES.map((id, n) => ({
        id,
        label: id,
        displayOrder: n,
        archived: false,
        metadata:
          id === 'closedwon'
            ? { isClosed: 'true', probability: '1.0' }
            : { isClosed: 'false', probability: '0.5' },
      })),
    },
  ],
};

const MAKERS = { contacts: contactObject, companies: companyObject, deals: dealObject };

/** The portal's answer to a request, or undefined when it has no such route. */
export function portalAnswer(
  portal: HubSpotPortal,
  req: ReplayRequest,
): { answer: ReplayAnswer; at: PortalRequest } | undefined {
  const path = req.url.pathname;
  const list = /^\/crm\/v3\/objects\/(contacts|companies|deals)$/.exec(path)?.[1] as
    PortalRequest['list'] | undefined;
  if (list) {
    const limit = Number(req.url.searchParams.get('limit') ?? 100);
    const from = Number(req.url.searchParams.get('after') ?? 0);
    // the generated portal has no archived objects
    const count = req.url.searchParams.get('archived') === 'true' ? 0 : portal[list];
    const to = Math.min(count, from + limit);
    const results = [];
    for (let i = from; i < to; i++) results.push(MAKERS[list](i));
    const body = {
      results,
      ...(to < count ? { paging: { next: { after: String(to) } } } : {}),
    };
    return { answer: json(200, body), at: { req, list, page: Math.floor(from / limit) + 1 } };
  }
  if (path === '/crm/v4/associations/deals/contacts/batch/read') {
    const inputs = (req.json as { inputs: Array<{ id: string }> }).inputs;
    const results = inputs.map(({ id }) => {
      const i = Number(id) - 9_000_000;
      return {
        from: { id },
        to: [
          {
            toObjectId: 1000 + (i % Math.max(1, portal.contacts)),
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
          },
        ],
      };
    });
    return { answer: json(200, { status: 'COMPLETE', results }), at: { req, list: null, page: 0 } };
  }
  // the incremental pass: objects modified at or after the filter's time, oldest first, by offset
  const search = /^\/crm\/v3\/objects\/(contacts|deals)\/search$/.exec(path)?.[1] as
    'contacts' | 'deals' | undefined;
  if (req.method === 'POST' && search) {
    const body = req.json as {
      filterGroups: Array<{ filters: Array<{ value: string }> }>;
      limit: number;
      after?: string;
    };
    const since = Number(body.filterGroups[0]!.filters[0]!.value);
    const all = [];
    for (let i = 0; i < portal[search]; i++) {
      const o = MAKERS[search](i);
      if (Date.parse(o.updatedAt) >= since) all.push(o);
    }
    all.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    const from = Number(body.after ?? 0);
    const results = all.slice(from, from + body.limit).map((o) => {
      const { propertiesWithHistory: _, ...plain } = o as typeof o & {
        propertiesWithHistory?: unknown;
      };
      return plain;
    });
    const next =
      from + body.limit < all.length
        ? { paging: { next: { after: String(from + body.limit) } } }
        : {};
    return {
      answer: json(200, { total: all.length, results, ...next }),
      at: { req, list: null, page: 0 },
    };
  }
  if (req.method === 'POST' && path === '/crm/v3/objects/deals/batch/read') {
    const inputs = (req.json as { inputs: Array<{ id: string }> }).inputs;
    const results = inputs.map(({ id }) => dealObject(Number(id) - 9_000_000));
    return { answer: json(200, { status: 'COMPLETE', results }), at: { req, list: null, page: 0 } };
  }
  if (path === '/crm/v3/pipelines/deals')
    return { answer: json(200, PIPELINES), at: { req, list: null, page: 0 } };
  return undefined;
}

/** The portal on a replay server; `intercept` may answer a request first. */
export function startHubSpotPortal(
  portal: HubSpotPortal,
  intercept: (at: PortalRequest) => ReplayAnswer | undefined = () => undefined,
) {
  return startReplay((req) => {
    const served = portalAnswer(portal, req);
    if (!served) return undefined;
    return intercept(served.at) ?? served.answer;
  });
}
