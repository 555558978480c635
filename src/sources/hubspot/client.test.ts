// The backfill client against a real local HTTP server that replays HubSpot's pages (the fixtures),
// its rate limits and its failures. Waits are recorded, not waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  createHubSpotClient,
  HubSpotApiError,
  type BackfillCursor,
  type BackfillPage,
  type HubSpotClientLog,
  type HubSpotClientOptions,
} from './client.js';
import {
  DROP,
  json,
  startReplay,
  text,
  type ReplayAnswer,
  type ReplayRequest,
} from '../../test-helpers/replay-server.js';
import { hubspotFixture, type HubSpotFixture } from '../../test-helpers/hubspot-fixtures.js';

const TOKEN = 'pat-na1-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

type Seen = ReplayRequest;

/** Every request through HubSpot's replay; a request asking for the property `drop` is dropped. */
function replay(handler: (req: Seen) => ReplayAnswer) {
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
function hubspot(req: Seen): ReplayAnswer {
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

function clientFor(baseUrl: string, extra: Partial<HubSpotClientOptions> = {}) {
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

async function collect<T>(pages: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

const summary = (p: BackfillPage) => [
  p.kind,
  p.objects.map((o) => o.id).join(),
  p.kind === 'deals'
    ? p.associations
        .map((a) => `${a.dealId}>${a.contacts.map((c) => c.toObjectId).join('+')}`)
        .join()
    : '',
  `${p.cursor.stage}:${p.cursor.after ?? ''}`,
];

test('a backfill pages contacts, companies, then deals with history and contacts, waiting out a 429 and retrying a 500', async () => {
  const failed = new Set<string>();
  const server = await replay((req) => {
    const key = `${req.url.pathname}?${req.url.searchParams.get('after') ?? ''}`;
    const first = !failed.has(key);
    failed.add(key);
    if (key === '/crm/v3/objects/contacts?' && first) {
      return json(
        429,
        {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
          correlationId: 'c-429',
        },
        { 'retry-after': '2', 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
      );
    }
    if (key === '/crm/v3/objects/deals?4502' && first)
      return json(500, { status: 'error', message: 'internal error', correlationId: 'c-500' });
    return hubspot(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const pages = await collect(client.backfill());
    assert.deepEqual(pages.map(summary), [
      ['contacts', '101,102', '', 'contacts:103'],
      ['contacts', '103', '', 'companies:'],
      ['companies', '201,202', '', 'deals:'],
      ['deals', '4500,4501', '4500>101,4501>102', 'deals:4502'],
      // 4502 has no contacts: HubSpot answers 207 with an error for it, and it is kept with none
      ['deals', '4502', '4502>', 'done:'],
    ]);
    const won = pages[3]!.objects[0]!;
    assert.deepEqual(
      won.propertiesWithHistory?.dealstage?.map((h) => h.value),
      ['closedwon', 'contractsent', 'qualifiedtobuy'],
    );
    // 429: as long as Retry-After says; 500: the first backoff step (500 ms, half of it with no jitter)
    assert.deepEqual(sleeps, [2000, 250]);
    assert.deepEqual(
      logs.map((l) => [l.event, l.status, l.attempt, l.delayMs, l.reason]),
      [
        ['retry', 429, 1, 2000, 'Retry-After'],
        ['retry', 500, 1, 250, 'HTTP 500'],
      ],
    );
    assert.equal(server.requests.length, 9);
    for (const r of server.requests) {
      assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
      assert.ok(!r.url.search.includes(TOKEN));
    }
    const lists = server.requests.filter((r) => r.method === 'GET');
    assert.deepEqual(
      lists.map((r) => [
        r.url.pathname.split('/').pop(),
        r.url.searchParams.get('after'),
        r.url.searchParams.get('limit'),
      ]),
      [
        ['contacts', null, '100'],
        ['contacts', null, '100'],
        ['contacts', '103', '100'],
        ['companies', null, '100'],
        ['deals', null, '50'], // HubSpot's limit with history
        ['deals', '4502', '50'],
        ['deals', '4502', '50'],
      ],
    );
    const deals = lists.find((r) => r.url.pathname.endsWith('/deals'))!;
    assert.equal(deals.url.searchParams.get('propertiesWithHistory'), 'dealstage');
    assert.equal(deals.url.searchParams.get('archived'), 'false');
    assert.ok(deals.url.searchParams.get('properties')!.split(',').includes('closed_lost_reason'));
    const contacts = lists[0]!.url.searchParams;
    assert.equal(contacts.get('propertiesWithHistory'), null);
    assert.ok(contacts.get('properties')!.split(',').includes('hs_lifecyclestage_customer_date'));
    const batches = server.requests.filter((r) => r.method === 'POST');
    assert.deepEqual(
      batches.map((r) => r.json),
      [{ inputs: [{ id: '4500' }, { id: '4501' }] }, { inputs: [{ id: '4502' }] }],
    );
    assert.equal(batches[0]!.headers['content-type'], 'application/json');
  } finally {
    await server.close();
  }
});

test("a 429 without Retry-After waits out HubSpot's 10-second window; a spent window delays the next request; the daily limit is not retried", async () => {
  let calls = 0;
  const server = await replay((req) => {
    calls++;
    const window = {
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': '100',
    };
    if (req.url.pathname.endsWith('/pipelines/deals')) {
      if (calls === 1) {
        return json(
          429,
          {
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
          },
          { ...window, 'x-hubspot-ratelimit-remaining': '0' },
        );
      }
      // the last request of the window: the next one waits first
      return json(200, hubspotFixture('pipelines.deals'), {
        ...window,
        'x-hubspot-ratelimit-remaining': '0',
      });
    }
    if (req.url.pathname.endsWith('/companies')) {
      return json(
        429,
        {
          status: 'error',
          message: 'You have reached your daily limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'DAILY',
          correlationId: 'c-daily',
        },
        window,
      );
    }
    return hubspot(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const pipelines = await client.dealPipelines();
    assert.deepEqual(
      pipelines.map((p) => p.id),
      ['default', '12345678'],
    );
    const deal = await client.getObject('deals', '4500');
    assert.equal(deal?.properties.dealstage, 'closedwon');
    assert.deepEqual(sleeps, [10_000, 10_000]);
    assert.deepEqual(
      logs.map((l) => [l.event, l.status, l.reason]),
      [
        ['retry', 429, 'rate limit window (TEN_SECONDLY_ROLLING)'],
        ['throttle', 0, 'window spent'],
      ],
    );
    await assert.rejects(collect(client.pages('companies')), (err: unknown) => {
      assert.ok(err instanceof HubSpotApiError);
      assert.equal(err.status, 429);
      assert.equal(err.policyName, 'DAILY');
      assert.equal(err.category, 'RATE_LIMIT');
      assert.equal(err.correlationId, 'c-daily');
      assert.equal(err.attempts, 1);
      assert.match(
        err.message,
        /answered 429 \(RATE_LIMIT\/DAILY\): You have reached your daily limit\.$/,
      );
      return true;
    });
    assert.equal(sleeps.length, 2, 'the daily limit was not waited for');
  } finally {
    await server.close();
  }
});

test('a backfill that fails mid-way resumes from the cursor of the last page it handed out', async () => {
  let broken = true;
  const server = await replay((req) => {
    if (
      broken &&
      req.url.pathname.endsWith('/deals') &&
      req.url.searchParams.get('after') === '4502'
    )
      return json(503, { status: 'error', message: 'Service Unavailable' });
    return hubspot(req);
  });
  try {
    const { client, sleeps } = clientFor(server.baseUrl, { maxRetries: 2 });
    const stored: string[] = [];
    let cursor: BackfillCursor | null = null;
    await assert.rejects(
      (async () => {
        for await (const page of client.backfill()) {
          stored.push(...page.objects.map((o) => `${page.kind}/${o.id}`));
          cursor = page.cursor; // saved with the rows, as a connector would
        }
      })(),
      (err: unknown) => err instanceof HubSpotApiError && err.status === 503 && err.attempts === 3,
    );
    assert.deepEqual(cursor, { stage: 'deals', after: '4502' });
    assert.deepEqual(sleeps, [250, 500]); // two retries, the backoff doubling
    broken = false;
    const before = server.requests.length;
    for await (const page of client.backfill({
      cursor: JSON.parse(JSON.stringify(cursor)) as BackfillCursor,
    })) {
      stored.push(...page.objects.map((o) => `${page.kind}/${o.id}`));
      cursor = page.cursor;
    }
    assert.deepEqual(cursor, { stage: 'done', after: null });
    // each once, none missing
    assert.deepEqual(stored, [
      'contacts/101',
      'contacts/102',
      'contacts/103',
      'companies/201',
      'companies/202',
      'deals/4500',
      'deals/4501',
      'deals/4502',
    ]);
    // the resumed run asked only for what was left
    assert.deepEqual(
      server.requests
        .slice(before)
        .map((r) => `${r.method} ${r.url.pathname} ${r.url.searchParams.get('after') ?? ''}`),
      ['GET /crm/v3/objects/deals 4502', 'POST /crm/v4/associations/deals/contacts/batch/read '],
    );
    // a done cursor reads nothing
    assert.equal(
      (await collect(client.backfill({ cursor: { stage: 'done', after: null } }))).length,
      0,
    );
  } finally {
    await server.close();
  }
});

test('a deals page whose contacts cannot be read is not handed out, so its cursor re-reads it', async () => {
  let broken = true;
  const server = await replay((req) => {
    if (broken && req.method === 'POST')
      return json(403, {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call.",
        category: 'MISSING_SCOPES',
        correlationId: 'c-403',
      });
    return hubspot(req);
  });
  try {
    const { client, sleeps } = clientFor(server.baseUrl);
    const seen: string[] = [];
    const cursor: BackfillCursor = { stage: 'deals', after: null };
    await assert.rejects(
      (async () => {
        for await (const page of client.backfill({ cursor })) seen.push(page.kind);
      })(),
      (err: unknown) =>
        err instanceof HubSpotApiError && err.status === 403 && err.category === 'MISSING_SCOPES',
    );
    assert.deepEqual(seen, []);
    assert.deepEqual(sleeps, [], 'a 4xx is not retried');
    broken = false;
    const pages = await collect(client.backfill({ cursor }));
    assert.deepEqual(pages.map(summary), [
      ['deals', '4500,4501', '4500>101,4501>102', 'deals:4502'],
      ['deals', '4502', '4502>', 'done:'],
    ]);
  } finally {
    await server.close();
  }
});

test("a deal's contacts past one answer are asked for again from the deal's own cursor", async () => {
  const server = await replay((req) => {
    const inputs = (req.json as { inputs: Array<{ id: string; after?: string }> }).inputs;
    const to = (ids: number[]) =>
      ids.map((id) => ({
        toObjectId: id,
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
      }));
    return json(200, {
      status: 'COMPLETE',
      results: inputs.map((i) =>
        i.id === '7' && !i.after
          ? {
              from: { id: '7' },
              to: to([1, 2]),
              paging: { next: { after: 'Mg%3D%3D', link: 'x' } },
            }
          : { from: { id: i.id }, to: i.id === '7' ? to([3]) : to([9]) },
      ),
      startedAt: '2026-03-05T10:00:00.000Z',
      completedAt: '2026-03-05T10:00:00.001Z',
    });
  });
  try {
    const { client } = clientFor(server.baseUrl);
    const result = await client.dealContacts(['7', '8']);
    assert.deepEqual(
      result.map((r) => [r.dealId, r.contacts.map((c) => c.toObjectId)]),
      [
        ['7', ['1', '2', '3']],
        ['8', ['9']],
      ],
    );
    assert.deepEqual(
      server.requests.map((r) => r.json),
      [{ inputs: [{ id: '7' }, { id: '8' }] }, { inputs: [{ id: '7', after: 'Mg%3D%3D' }] }],
    );
    assert.deepEqual(await client.dealContacts([]), []);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('a re-fetch reads one object with its history; a deleted one is null; a dropped connection is retried', async () => {
  const server = await replay(hubspot);
  try {
    const { client, logs } = clientFor(server.baseUrl);
    const deal = await client.getObject('deals', '4501');
    assert.equal(deal?.properties.closed_lost_reason, 'Went with a competitor');
    assert.equal(deal?.propertiesWithHistory?.dealstage?.length, 3);
    const asked = server.requests[0]!.url;
    assert.equal(asked.pathname, '/crm/v3/objects/deals/4501');
    assert.equal(asked.searchParams.get('propertiesWithHistory'), 'dealstage');
    assert.equal(await client.getObject('deals', '4599'), null);
    await assert.rejects(client.getObject('deals', '../contacts'), TypeError);
    // a dropped connection is retried with backoff, then fails with status 0
    const { client: dropping, logs: dropLogs } = clientFor(server.baseUrl, { maxRetries: 1 });
    await assert.rejects(
      dropping.getObject('deals', '4500', { properties: ['drop'], propertiesWithHistory: [] }),
      (err: unknown) =>
        err instanceof HubSpotApiError &&
        err.status === 0 &&
        err.attempts === 2 &&
        /no answer after 2 attempts/.test(err.message),
    );
    assert.deepEqual(
      dropLogs.map((l) => [l.event, l.status, l.attempt]),
      [['retry', 0, 1]],
    );
    assert.deepEqual(logs, []);
  } finally {
    await server.close();
  }
});

test('the access token appears in no error, log entry or inspected client, even when a server echoes it', async () => {
  const server = await replay((req) => {
    if (req.url.pathname.endsWith('/contacts')) {
      return json(401, {
        status: 'error',
        message: `Authentication credentials not found. Token ${TOKEN} is expired.`,
        correlationId: 'c-401',
        category: 'EXPIRED_AUTHENTICATION',
      });
    }
    return text(502, `<html>bad gateway for Authorization: Bearer ${TOKEN}</html>`);
  });
  try {
    const { client, logs } = clientFor(server.baseUrl, { maxRetries: 1 });
    const errors: unknown[] = [];
    for (const object of ['contacts', 'deals'] as const) {
      await collect(client.pages(object)).catch((err: unknown) => errors.push(err));
    }
    await client.getObject('contacts', '101').catch((err: unknown) => errors.push(err));
    assert.equal(errors.length, 3);
    const seen = [
      ...errors.flatMap((e) => [
        String(e),
        inspect(e),
        JSON.stringify(e),
        (e as Error).stack ?? '',
      ]),
      JSON.stringify(logs),
      inspect(client, { depth: 5, showHidden: true }),
      JSON.stringify(client),
    ].join('\n');
    assert.ok(!seen.includes(TOKEN), 'the token leaked');
    assert.ok(!seen.includes(TOKEN.slice(8)), 'part of the token leaked');
    assert.match(
      String(errors[0]),
      /answered 401 \(EXPIRED_AUTHENTICATION\): Authentication credentials not found\. Token \[access token\] is expired\.$/,
    );
    assert.match(
      String(errors[1]),
      /answered 502: <html>bad gateway for Authorization: Bearer \[access token\]<\/html> after 2 attempts/,
    );
  } finally {
    await server.close();
  }
});

test('an OAuth app: 401 EXPIRED_AUTHENTICATION asks for a new token once and retries with it', async () => {
  const FRESH = 'CJT1-oauth-access-token-0002';
  const server = await replay((req) =>
    req.headers.authorization === `Bearer ${FRESH}`
      ? hubspot(req)
      : json(401, {
          status: 'error',
          message: 'The OAuth token used to make this call expired 3 minute(s) ago.',
          correlationId: 'c-expired',
          category: 'EXPIRED_AUTHENTICATION',
        }),
  );
  try {
    let refreshes = 0;
    const { client, logs } = clientFor(server.baseUrl, {
      refreshAccessToken: async () => {
        refreshes++;
        return FRESH;
      },
    });
    const pipelines = await client.dealPipelines();
    assert.equal(pipelines.length, 2);
    assert.equal(refreshes, 1);
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      [`Bearer ${TOKEN}`, `Bearer ${FRESH}`],
    );
    assert.deepEqual(
      logs.map((l) => [l.event, l.reason]),
      [['refresh', 'EXPIRED_AUTHENTICATION']],
    );
    // without a refresh callback the 401 is the error
    const { client: fixed } = clientFor(server.baseUrl);
    await assert.rejects(
      fixed.dealPipelines(),
      (err: unknown) => err instanceof HubSpotApiError && err.category === 'EXPIRED_AUTHENTICATION',
    );
  } finally {
    await server.close();
  }
});
