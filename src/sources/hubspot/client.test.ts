// The backfill client against a real local HTTP server that replays HubSpot's pages (the fixtures),
// its rate limits and its failures. Waits are recorded, not waited.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubspotFixture } from '../../test-helpers/hubspot-fixtures.js';
import { json } from '../../test-helpers/replay-server.js';
import { HubSpotApiError, type BackfillCursor } from './client.js';

import {
  TOKEN,
  clientFor,
  collect,
  hubspot,
  replay,
  summary,
} from '../../test-helpers/hubspot-replay.js';

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
