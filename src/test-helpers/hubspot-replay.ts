// HubSpot's API as a local replay for the client's tests: the fixtures' pages, associations and
// pipelines by route, a dropped connection on request, and a client whose waits are recorded.

import { hubspotFixture, type HubSpotFixture } from './hubspot-fixtures.js';
import { DROP, json, startReplay, type ReplayAnswer, type ReplayRequest } from './replay-server.js';

import {
  createHubSpotClient,
  type BackfillPage,
  type HubSpotClientLog,
  type HubSpotClientOptions,
} from '../sources/hubspot/client.js';

export const TOKEN = 'pat-na1-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

type Seen = ReplayRequest;

/** Every request through HubSpot's replay; a request asking for the property `drop` is dropped. */
export function replay(handler: (req: Seen) => ReplayAnswer) {
  return startReplay((req) =>
    req.url.searchParams.get('properties') === 'drop' ? DROP : handler(req),
  );
}

const PAGES: Record<string, HubSpotFixture> = {
  'contacts:': 'contacts.page1',
  'contacts:103': 'contacts.page2',
  'companies:': 'companies.page1',
  'deals:': 'deals.page1',
  'deals:4502': 'deals.page2',
};

/** HubSpot as the fixtures tell it: list pages by `after`, associations by the deals asked for. */
export function hubspot(req: Seen): ReplayAnswer {
  const list = /^\/crm\/v3\/objects\/(contacts|companies|deals)$/.exec(req.url.pathname);
  if (req.method === 'GET' && list) {
    const name = PAGES[`${list[1]}:${req.url.searchParams.get('after') ?? ''}`];
    if (name) return json(200, hubspotFixture(name));
  }
  const one = /^\/crm\/v3\/objects\/deals\/(\d+)$/.exec(req.url.pathname);
  if (req.method === 'GET' && one) {
    const deals = [
      ...hubspotFixture<{ results: Array<{ id: string }> }>('deals.page1').results,
      ...hubspotFixture<{ results: Array<{ id: string }> }>('deals.page2').results,
    ];
    const deal = deals.find((d) => d.id === one[1]);
    if (deal) return json(200, deal);
    return json(404, {
      status: 'error',
      message: 'Object not found.  objectId are usually numeric.',
      correlationId: 'c0ffee00-0000-4000-8000-000000000404',
      category: 'OBJECT_NOT_FOUND',
    });
  }
  if (
    req.method === 'POST' &&
    req.url.pathname === '/crm/v4/associations/deals/contacts/batch/read'
  ) {
    const asked = new Set((req.json as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id));
    const all = hubspotFixture<{ results: Array<{ from: { id: string } }> }>(
      'associations.deals-contacts.batch',
    );
    const results = all.results.filter((r) => asked.has(r.from.id));
    const missing = [...asked].filter((id) => !results.some((r) => r.from.id === id));
    return json(missing.length ? 207 : 200, {
      status: 'COMPLETE',
      results,
      ...(missing.length
        ? {
            numErrors: missing.length,
            errors: missing.map((id) => ({
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `No contacts are associated with deal ${id}.`,
            })),
          }
        : {}),
      startedAt: '2026-03-05T10:00:00.000Z',
      completedAt: '2026-03-05T10:00:00.040Z',
    });
  }
  if (req.method === 'GET' && req.url.pathname === '/crm/v3/pipelines/deals')
    return json(200, hubspotFixture('pipelines.deals'));
  return json(404, {
    status: 'error',
    message: `no route ${req.url.pathname}`,
    category: 'NOT_FOUND',
  });
}

export function clientFor(baseUrl: string, extra: Partial<HubSpotClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: HubSpotClientLog[] = [];
  const client = createHubSpotClient({
    accessToken: TOKEN,
    baseUrl,
    random: () => 0, // backoff = half its step
    sleep: async (ms) => void sleeps.push(ms),
    log: (entry) => void logs.push(entry),
    ...extra,
  });
  return { client, sleeps, logs };
}

export async function collect<T>(pages: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

export const summary = (p: BackfillPage) => [
  p.kind,
  p.objects.map((o) => o.id).join(),
  p.kind === 'deals'
    ? p.associations
        .map((a) => `${a.dealId}>${a.contacts.map((c) => c.toObjectId).join('+')}`)
        .join()
    : '',
  `${p.cursor.stage}:${p.cursor.after ?? ''}`,
];
