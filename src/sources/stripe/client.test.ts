// The backfill client against a real local HTTP server that replays Stripe's list pages, its rate
// limits and its failures. Waits are recorded, not waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  createStripeClient,
  StripeApiError,
  type StripeClientLog,
  type StripeClientOptions,
  type StripePage,
} from './client.js';
import { DROP, json, startReplay, text } from '../../test-helpers/replay-server.js';

const KEY = 'sk_test_51ReplayKeyThatMustNeverLeak0123456789';
const SUBS = Array.from({ length: 7 }, (_, i) => ({ id: `sub_${i + 1}`, object: 'subscription' }));

/** Stripe's list page after `starting_after`, `limit` long. */
function listPage(url: URL, all: Array<{ id: string }>) {
  const limit = Number(url.searchParams.get('limit'));
  const after = url.searchParams.get('starting_after');
  const from = after ? all.findIndex((o) => o.id === after) + 1 : 0;
  const data = all.slice(from, from + limit);
  return { object: 'list', url: url.pathname, has_more: from + limit < all.length, data };
}

/** Stripe's answers carry a request id. */
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  json(status, body, { 'request-id': 'req_replay', ...headers });

function clientFor(baseUrl: string, extra: Partial<StripeClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: StripeClientLog[] = [];
  const client = createStripeClient({
    secretKey: KEY,
    baseUrl,
    apiVersion: '2025-03-31.basil',
    pageSize: 3,
    random: () => 0, // backoff = half its step
    sleep: async (ms) => void sleeps.push(ms),
    log: (entry) => void logs.push(entry),
    ...extra,
  });
  return { client, sleeps, logs };
}

async function collect(pages: AsyncGenerator<StripePage>): Promise<StripePage[]> {
  const out: StripePage[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

test('pages through a list with the key as Bearer, waiting out a 429 and retrying a 500', async () => {
  const seen = new Set<string>();
  const server = await startReplay(({ url }) => {
    const key = url.searchParams.get('starting_after') ?? 'first';
    const firstTime = !seen.has(key);
    seen.add(key);
    if (key === 'first' && firstTime)
      return answer(429, { error: { type: 'rate_limit_error' } }, { 'retry-after': '2' });
    if (key === 'sub_3' && firstTime)
      return answer(500, { error: { type: 'api_error', message: 'boom' } });
    return answer(200, listPage(url, SUBS));
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const pages = await collect(client.pages('subscriptions'));
    assert.deepEqual(
      pages.map((p) => [p.data.map((o) => o.id).join(), p.cursor, p.hasMore]),
      [
        ['sub_1,sub_2,sub_3', 'sub_3', true],
        ['sub_4,sub_5,sub_6', 'sub_6', true],
        ['sub_7', 'sub_7', false],
      ],
    );
    // 429: as long as Retry-After says; 500: the first backoff step (500 ms, half of it with no jitter)
    assert.deepEqual(sleeps, [2000, 250]);
    assert.deepEqual(
      logs.map((l) => [l.status, l.attempt, l.delayMs, l.reason]),
      [
        [429, 1, 2000, 'Retry-After'],
        [500, 1, 250, 'HTTP 500'],
      ],
    );
    assert.equal(server.requests.length, 5);
    for (const r of server.requests) {
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
      assert.equal(r.headers['stripe-version'], '2025-03-31.basil');
      assert.equal(r.url.pathname, '/v1/subscriptions');
      assert.equal(r.url.searchParams.get('limit'), '3');
      // every subscription, canceled ones too, with their discounts as objects
      assert.equal(r.url.searchParams.get('status'), 'all');
      assert.deepEqual(r.url.searchParams.getAll('expand[]'), [
        'data.discounts',
        'data.items.data.discounts',
      ]);
      assert.ok(!r.url.search.includes(KEY));
    }
    assert.deepEqual(
      server.requests.map((r) => r.url.searchParams.get('starting_after')),
      [null, null, 'sub_3', 'sub_3', 'sub_6'],
    );
  } finally {
    await server.close();
  }
});

test('a backfill that fails mid-way resumes from the cursor of the last page it handed out', async () => {
  let broken = true;
  const customers = Array.from({ length: 7 }, (_, i) => ({
    id: `cus_${i + 1}`,
    object: 'customer',
  }));
  const server = await startReplay(({ url }) => {
    if (broken && url.searchParams.get('starting_after') === 'cus_6') {
      return answer(503, { error: { type: 'api_error', message: 'overloaded' } });
    }
    return answer(200, listPage(url, customers));
  });
  try {
    const { client, sleeps } = clientFor(server.baseUrl, { maxRetries: 2 });
    const stored: string[] = [];
    let cursor: string | null = null;
    await assert.rejects(
      (async () => {
        for await (const page of client.pages('customers')) {
          stored.push(...page.data.map((o) => o.id));
          cursor = page.cursor; // saved with the rows, as a connector would
        }
      })(),
      (err: unknown) => err instanceof StripeApiError && err.status === 503 && err.attempts === 3,
    );
    assert.deepEqual(stored, ['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5', 'cus_6']);
    assert.equal(cursor, 'cus_6');
    assert.deepEqual(sleeps, [250, 500]); // two retries, the backoff doubling
    broken = false;
    for await (const page of client.pages('customers', { startingAfter: cursor })) {
      stored.push(...page.data.map((o) => o.id));
    }
    assert.deepEqual(
      stored,
      customers.map((c) => c.id),
    ); // each once, none missing
    assert.deepEqual(server.requests.at(-1)?.url.searchParams.get('starting_after'), 'cus_6');
  } finally {
    await server.close();
  }
});

test('a 4xx is not retried; Stripe-Should-Retry decides over the status; a dropped connection is retried', async () => {
  let drops = 1;
  const server = await startReplay(({ url }) => {
    if (url.pathname.endsWith('/invoices')) {
      return answer(400, {
        error: {
          type: 'invalid_request_error',
          code: 'parameter_unknown',
          message: 'Received unknown parameter: foo',
        },
      });
    }
    if (url.pathname.endsWith('/customers')) {
      return answer(500, { error: { type: 'api_error' } }, { 'stripe-should-retry': 'false' });
    }
    if (drops-- > 0) return DROP;
    return answer(200, listPage(url, SUBS.slice(0, 2)));
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    await assert.rejects(
      collect(client.pages('invoices', { params: { foo: 'bar' } })),
      (err: unknown) => {
        assert.ok(err instanceof StripeApiError);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'parameter_unknown');
        assert.equal(err.requestId, 'req_replay');
        assert.match(
          err.message,
          /answered 400 \(invalid_request_error\/parameter_unknown\): Received unknown parameter: foo$/,
        );
        return true;
      },
    );
    await assert.rejects(
      collect(client.pages('customers')),
      (err: unknown) => err instanceof StripeApiError && err.attempts === 1,
    );
    assert.deepEqual(sleeps, []);
    const pages = await collect(client.pages('subscriptions'));
    assert.deepEqual(
      pages.flatMap((p) => p.data.map((o) => o.id)),
      ['sub_1', 'sub_2'],
    );
    assert.deepEqual(
      logs.map((l) => l.status),
      [0],
    );
  } finally {
    await server.close();
  }
});

test('the base URL may carry a path prefix; an answer that is not a list page is an error', async () => {
  const server = await startReplay(({ url }) => {
    if (url.pathname === '/replay/v1/customers')
      return answer(200, { object: 'customer', id: 'cus_1' });
    return answer(404, {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (GET: ${url.pathname})`,
      },
    });
  });
  try {
    const { client } = clientFor(`${server.baseUrl}/replay/`);
    await assert.rejects(collect(client.pages('customers')), /not a list page \(object: /);
    assert.equal(server.requests[0]?.url.pathname, '/replay/v1/customers');
  } finally {
    await server.close();
  }
});

test('the secret key appears in no error, log entry or inspected client, even when a server echoes it', async () => {
  const server = await startReplay(({ url }) => {
    if (url.pathname.endsWith('/customers')) {
      return answer(401, {
        error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${KEY}` },
      });
    }
    return text(502, `<html>bad gateway for Authorization: Bearer ${KEY}</html>`);
  });
  try {
    const { client, logs } = clientFor(server.baseUrl, { maxRetries: 1 });
    const errors: unknown[] = [];
    for (const resource of ['customers', 'invoices'] as const) {
      await collect(client.pages(resource)).catch((err: unknown) => errors.push(err));
    }
    assert.equal(errors.length, 2);
    assert.equal(logs.length, 1);
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
    assert.ok(!seen.includes(KEY), 'the key leaked');
    assert.ok(!seen.includes(KEY.slice(8)), 'part of the key leaked');
    assert.match(
      String(errors[0]),
      /answered 401 \(invalid_request_error\): Invalid API Key provided: \[secret key\]/,
    );
    assert.match(
      String(errors[1]),
      /answered 502: <html>bad gateway for Authorization: Bearer \[secret key\]<\/html> after 2 attempts/,
    );
  } finally {
    await server.close();
  }
});
