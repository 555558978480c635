// The backfill client against a real local HTTP server that replays Pipedrive's pages (the fixtures):
// v2 cursors and v1 start/limit paging, rate limits and failures. Waits are recorded, not waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  createPipedriveClient,
  PipedriveApiError,
  type PipedriveBackfillCursor,
  type PipedriveBackfillPage,
  type PipedriveClientLog,
  type PipedriveClientOptions,
} from './client.js';
import {
  DROP,
  json,
  startReplay,
  text,
  type ReplayAnswer,
  type ReplayRequest,
} from '../../test-helpers/replay-server.js';
import { pipedriveFixture, type PipedriveFixture } from '../../test-helpers/pipedrive-fixtures.js';

const TOKEN = '4f1c2b3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a';

type Seen = ReplayRequest;

/** Every request through Pipedrive's replay; a request for pages of 13 is dropped. */
function replay(handler: (req: Seen) => ReplayAnswer) {
  return startReplay((req) => (req.url.searchParams.get('limit') === '13' ? DROP : handler(req)));
}

const V2: Record<string, PipedriveFixture> = {
  '/api/v2/pipelines?': 'api.v2.pipelines',
  '/api/v2/stages?': 'api.v2.stages.page1',
  '/api/v2/stages?eyJpZCI6NX0': 'api.v2.stages.page2',
  '/api/v2/persons?': 'api.v2.persons.page1',
  '/api/v2/persons?eyJpZCI6MTAyfQ': 'api.v2.persons.page2',
  '/api/v2/deals?': 'api.v2.deals.page1',
  '/api/v2/deals?eyJpZCI6NDUwMX0': 'api.v2.deals.page2',
  '/v1/deals/4500/changelog?': 'api.v1.changelog.4500.page1',
  '/v1/deals/4500/changelog?Y2w6NDUwMDoy': 'api.v1.changelog.4500.page2',
  '/v1/deals/4501/changelog?': 'api.v1.changelog.4501',
  '/v1/deals/4502/changelog?': 'api.v1.changelog.4502',
};
const V1: Record<string, PipedriveFixture> = {
  '/v1/deals?0': 'api.v1.deals.page1',
  '/v1/deals?2': 'api.v1.deals.page2',
};

/** Pipedrive as the fixtures tell it. */
function pipedrive(req: Seen): ReplayAnswer {
  const p = req.url.searchParams;
  const v2 = V2[`${req.url.pathname}?${p.get('cursor') ?? ''}`];
  if (v2)
    return json(200, pipedriveFixture(v2), {
      'x-ratelimit-limit': '40',
      'x-ratelimit-remaining': '39',
      'x-ratelimit-reset': '2',
    });
  const v1 = V1[`${req.url.pathname}?${p.get('start') ?? ''}`];
  if (v1) return json(200, pipedriveFixture(v1));
  return json(404, {
    success: false,
    error: `Unknown method .`,
    errorCode: 404,
    error_info: 'Please check developers.pipedrive.com',
  });
}

function clientFor(baseUrl: string, extra: Partial<PipedriveClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: PipedriveClientLog[] = [];
  const client = createPipedriveClient({
    apiToken: TOKEN,
    baseUrl,
    random: () => 0, // backoff = half its step
    sleep: async (ms) => void sleeps.push(ms),
    log: (entry) => void logs.push(entry),
    now: () => Date.parse('2026-03-05T10:00:00Z'),
    ...extra,
  });
  return { client, sleeps, logs };
}

async function collect<T>(pages: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

const summary = (p: PipedriveBackfillPage) => [
  p.kind,
  p.objects.map((o) => o.id).join(),
  p.kind === 'deals' ? [...p.changelogs].map(([id, c]) => `${id}:${c.length}`).join() : '',
  `${p.cursor.stage}:${p.cursor.cursor ?? ''}`,
];

test('a v2 backfill follows next_cursor through pipelines, stages, persons and deals with their changelogs, waiting out a 429 and retrying a 500', async () => {
  const failed = new Set<string>();
  const server = await replay((req) => {
    const key = `${req.url.pathname}?${req.url.searchParams.get('cursor') ?? ''}`;
    const first = !failed.has(key);
    failed.add(key);
    if (key === '/api/v2/stages?' && first)
      return json(
        429,
        { success: false, error: 'Request over limit', errorCode: 429 },
        { 'retry-after': '2', 'x-ratelimit-reset': '1' },
      );
    if (key === '/api/v2/deals?eyJpZCI6NDUwMX0' && first)
      return json(500, { success: false, error: 'Internal server error' });
    return pipedrive(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const pages = await collect(client.backfill());
    assert.deepEqual(pages.map(summary), [
      ['pipelines', '1,2', '', 'stages:'],
      ['stages', '1,2,3,4,5', '', 'stages:eyJpZCI6NX0'],
      ['stages', '6,7', '', 'persons:'],
      ['persons', '101,102', '', 'persons:eyJpZCI6MTAyfQ'],
      ['persons', '103', '', 'deals:'],
      ['deals', '4500,4501', '4500:3,4501:3', 'deals:eyJpZCI6NDUwMX0'],
      ['deals', '4502', '4502:0', 'done:'],
    ]);
    // the changelog read across its two pages, oldest first
    const deals = pages[5]!;
    assert.ok(deals.kind === 'deals');
    assert.deepEqual(
      deals.changelogs.get('4500')!.map((e) => `${e.field_key}:${e.new_value}`),
      ['stage_id:3', 'value:12000.5', 'status:won'],
    );
    assert.deepEqual(sleeps, [2000, 250]); // Retry-After, then the first backoff step (500 ms halved)
    assert.deepEqual(
      logs.map((l) => [l.event, l.status, l.attempt, l.delayMs, l.reason, l.path]),
      [
        ['retry', 429, 1, 2000, 'Retry-After', '/api/v2/stages?limit=500'],
        ['retry', 500, 1, 250, 'HTTP 500', '/api/v2/deals?limit=500&cursor=eyJpZCI6NDUwMX0'],
      ],
    );
    for (const r of server.requests) {
      assert.equal(r.headers['x-api-token'], TOKEN);
      assert.equal(r.url.searchParams.get('api_token'), null);
      assert.equal(r.url.searchParams.get('limit'), '500');
    }
  } finally {
    await server.close();
  }
});

test('v1 paging follows additional_data.pagination (start, more_items_in_collection) with the token as api_token', async () => {
  const server = await replay(pipedrive);
  try {
    const { client } = clientFor(server.baseUrl, { api: 'v1', pageSize: 2 });
    const pages = await collect(client.pages('deals'));
    assert.deepEqual(
      pages.map((p) => [p.items.map((d) => d.id).join(), p.next]),
      [
        ['4500,4501', '2'],
        ['4502', null],
      ],
    );
    assert.equal(pages[0]!.items[0]!.person_id, '101');
    assert.deepEqual(
      server.requests.map((r) => [
        r.url.pathname,
        r.url.searchParams.get('start'),
        r.url.searchParams.get('limit'),
      ]),
      [
        ['/v1/deals', '0', '2'],
        ['/v1/deals', '2', '2'],
      ],
    );
    for (const r of server.requests) {
      assert.equal(r.url.searchParams.get('api_token'), TOKEN);
      assert.equal(r.headers['x-api-token'], undefined);
    }
    // resumed from a stored start
    const resumed = await collect(client.pages('deals', { cursor: '2' }));
    assert.deepEqual(
      resumed.map((p) => p.items.map((d) => d.id).join()),
      ['4502'],
    );
    await assert.rejects(collect(client.pages('deals', { cursor: 'eyJpZCI6NDUwMX0' })), TypeError);
  } finally {
    await server.close();
  }
});

test('a backfill that fails mid-way resumes from the cursor of the last page it handed out', async () => {
  let broken = true;
  const server = await replay((req) => {
    if (broken && req.url.pathname === '/api/v2/persons' && req.url.searchParams.get('cursor'))
      return json(503, { success: false, error: 'Service Unavailable' });
    return pipedrive(req);
  });
  try {
    const { client, sleeps } = clientFor(server.baseUrl, { maxRetries: 2, dealHistory: false });
    const stored: string[] = [];
    let cursor: PipedriveBackfillCursor | null = null;
    await assert.rejects(
      (async () => {
        for await (const page of client.backfill()) {
          stored.push(...page.objects.map((o) => `${page.kind}/${o.id}`));
          cursor = page.cursor; // saved with the rows, as a connector would
        }
      })(),
      (err: unknown) =>
        err instanceof PipedriveApiError && err.status === 503 && err.attempts === 3,
    );
    assert.deepEqual(cursor, { stage: 'persons', cursor: 'eyJpZCI6MTAyfQ' });
    assert.deepEqual(sleeps, [250, 500]); // two retries, the backoff doubling
    broken = false;
    const before = server.requests.length;
    for await (const page of client.backfill({
      cursor: JSON.parse(JSON.stringify(cursor)) as PipedriveBackfillCursor,
    })) {
      stored.push(...page.objects.map((o) => `${page.kind}/${o.id}`));
      cursor = page.cursor;
    }
    assert.deepEqual(cursor, { stage: 'done', cursor: null });
    assert.deepEqual(stored, [
      'pipelines/1',
      'pipelines/2',
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => `stages/${i}`),
      'persons/101',
      'persons/102',
      'persons/103',
      'deals/4500',
      'deals/4501',
      'deals/4502',
    ]);
    // the resumed run asked only for what was left (no changelogs: dealHistory is off)
    assert.deepEqual(
      server.requests
        .slice(before)
        .map((r) => `${r.url.pathname} ${r.url.searchParams.get('cursor') ?? ''}`),
      ['/api/v2/persons eyJpZCI6MTAyfQ', '/api/v2/deals ', '/api/v2/deals eyJpZCI6NDUwMX0'],
    );
    assert.equal(
      (await collect(client.backfill({ cursor: { stage: 'done', cursor: null } }))).length,
      0,
    );
  } finally {
    await server.close();
  }
});

test('rate limits: x-ratelimit-reset when no Retry-After; a spent window delays the next request; a day-long limit is not waited for', async () => {
  let calls = 0;
  const server = await replay((req) => {
    calls++;
    if (req.url.pathname === '/api/v2/pipelines') {
      if (calls === 1)
        return json(
          429,
          { success: false, error: 'Rate limit exceeded' },
          { 'x-ratelimit-reset': '2', 'x-ratelimit-remaining': '0' },
        );
      // the last request of the window: the next one waits first
      return json(200, pipedriveFixture('api.v2.pipelines'), {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1',
      });
    }
    if (req.url.pathname === '/api/v2/persons')
      return json(
        429,
        { success: false, error: 'Daily token budget exhausted', code: 'token_budget_exhausted' },
        { 'retry-after': '36000' },
      );
    return pipedrive(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const [pipelines] = await collect(client.pages('pipelines'));
    assert.deepEqual(
      pipelines!.items.map((p) => p.name),
      ['Sales', 'Partners'],
    );
    await collect(client.pages('stages'));
    assert.deepEqual(sleeps, [2000, 1000]);
    assert.deepEqual(
      logs.map((l) => [l.event, l.status, l.reason]),
      [
        ['retry', 429, 'x-ratelimit-reset'],
        ['throttle', 0, 'window spent'],
      ],
    );
    await assert.rejects(collect(client.pages('persons')), (err: unknown) => {
      assert.ok(err instanceof PipedriveApiError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'token_budget_exhausted');
      assert.equal(err.attempts, 1);
      assert.equal(err.retryAt, Date.parse('2026-03-05T20:00:00Z'));
      assert.match(
        err.message,
        /rate limited for 36000 s, longer than the 60 s waited: Daily token budget exhausted$/,
      );
      return true;
    });
    assert.equal(sleeps.length, 2, 'the day-long limit was not waited for');
  } finally {
    await server.close();
  }
});

test('a 4xx fails at once with Pipedrive’s error; a dropped connection is retried then fails with status 0', async () => {
  const server = await replay(pipedrive);
  try {
    const { client, sleeps } = clientFor(server.baseUrl);
    await assert.rejects(
      collect(client.pages('activities')),
      (err: unknown) =>
        err instanceof PipedriveApiError &&
        err.status === 404 &&
        err.code === '404' &&
        /answered 404 \(404\): Unknown method \. Please check developers\.pipedrive\.com$/.test(
          err.message,
        ),
    );
    assert.deepEqual(sleeps, []);
    const { client: dropping, logs } = clientFor(server.baseUrl, { maxRetries: 1, pageSize: 13 });
    await assert.rejects(
      collect(dropping.pages('deals')),
      (err: unknown) =>
        err instanceof PipedriveApiError &&
        err.status === 0 &&
        err.attempts === 2 &&
        /no answer after 2 attempts/.test(err.message),
    );
    assert.deepEqual(
      logs.map((l) => [l.event, l.status, l.attempt]),
      [['retry', 0, 1]],
    );
    await assert.rejects(client.dealChangelog('../persons'), TypeError);
  } finally {
    await server.close();
  }
});

test('the API token appears in no error, log entry or inspected client, even in v1 where it rides in the URL', async () => {
  const server = await replay((req) => {
    if (req.url.pathname === '/v1/deals')
      // a server that echoes the whole request URL, token and all
      return json(401, {
        success: false,
        error: `unauthorized: ${req.url.pathname}${req.url.search}`,
        errorCode: 401,
      });
    if (req.url.pathname === '/v1/persons') {
      return text(502, `<html>bad gateway for ${req.url.search} x-api-token: ${TOKEN}</html>`);
    }
    return json(200, {
      success: true,
      data: [{ id: 1, name: `stage ${TOKEN}`, pipeline_id: 'not a number' }],
    });
  });
  try {
    const errors: unknown[] = [];
    const { client, logs } = clientFor(server.baseUrl, { api: 'v1', maxRetries: 1 });
    for (const list of ['deals', 'persons', 'stages'] as const)
      await collect(client.pages(list)).catch((err: unknown) => errors.push(err));
    const { client: v2 } = clientFor(`http://127.0.0.1:1`, { maxRetries: 0 }); // nothing listens there
    await collect(v2.pages('deals')).catch((err: unknown) => errors.push(err));
    assert.equal(errors.length, 4);
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
    assert.ok(!seen.includes(TOKEN.slice(4, 24)), 'part of the token leaked');
    assert.match(
      String(errors[0]),
      /answered 401 \(401\): unauthorized: \/v1\/deals\?limit=500&start=0&api_token=\[api token\]$/,
    );
    assert.match(
      String(errors[1]),
      /answered 502: <html>bad gateway for \?limit=500&start=0&api_token=\[api token\] x-api-token: \[api token\]<\/html> after 2 attempts/,
    );
    assert.match(
      String(errors[2]),
      /unexpected answer \(data\.0\.pipeline_id: expected a numeric id/,
    );
    assert.match(String(errors[3]), /GET \/api\/v2\/deals\?limit=500: no answer after 1 attempts/);
  } finally {
    await server.close();
  }
});
