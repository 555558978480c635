// The shared vendor client against a real local HTTP server (the replay server): retries and their
// waits, rate windows, auth hooks and the OAuth refresh, timeouts and aborts, validation, and errors
// that name the request and hold no secret. Waits are recorded, not waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { z } from 'zod';
import { HttpApiError } from './errors.js';
import {
  createHttpClient,
  type HttpClientLog,
  type HttpClientOptions,
  type VendorErrorInfo,
} from './client.js';
import { createScrubber } from './scrub.js';
import { backoffMs, retryAfterMs } from './timing.js';
import { DROP, json, startReplay, text } from '../../test-helpers/replay-server.js';

const TOKEN = 'tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const NOW = Date.parse('2026-03-05T10:00:00Z');
const Item = z.object({ id: z.string(), n: z.number() });

/** Errors as the replayed vendor writes them: `{ code, message }`. */
const parseError = (body: unknown): VendorErrorInfo | null => {
  const e = z.object({ code: z.string(), message: z.string() }).safeParse(body);
  return e.success ? { code: e.data.code, label: e.data.code, message: e.data.message } : null;
};

function clientFor(baseUrl: string, extra: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: HttpClientLog[] = [];
  const http = createHttpClient({
    vendor: 'Acme',
    baseUrl,
    auth: { type: 'bearer', token: TOKEN },
    parseError,
    random: () => 0, // backoff = half its step
    sleep: async (ms) => void sleeps.push(ms),
    now: () => NOW,
    log: (entry) => void logs.push(entry),
    ...extra,
  });
  return { http, sleeps, logs };
}

test('backoff doubles from its base with equal jitter, up to its cap; Retry-After reads seconds and HTTP dates', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((n) => backoffMs(n, 500, 3000, () => 0)),
    [250, 500, 1000, 1500, 1500],
  );
  assert.deepEqual(
    [0, 1, 10].map((n) => backoffMs(n, 500, 3000, () => 0.999)),
    [500, 1000, 2999],
  );
  assert.equal(retryAfterMs('2', NOW), 2000);
  assert.equal(retryAfterMs(' 1.5 ', NOW), 1500);
  assert.equal(retryAfterMs('Thu, 05 Mar 2026 10:00:07 GMT', NOW), 7000);
  assert.equal(retryAfterMs('Thu, 05 Mar 2026 09:00:00 GMT', NOW), 0, 'a date past is now');
  assert.equal(retryAfterMs('soon', NOW), null);
  assert.equal(retryAfterMs(null, NOW), null);
});

test('"429 then 500 then 200": Retry-After as an HTTP date, then backoff; the answer validated with zod', async () => {
  const server = await startReplay({
    'GET /v1/items': [
      json(
        429,
        { code: 'rate_limited', message: 'slow down' },
        {
          'retry-after': 'Thu, 05 Mar 2026 10:00:03 GMT',
        },
      ),
      json(500, { code: 'internal', message: 'boom' }),
      json(200, { id: 'i1', n: 1 }),
    ],
  });
  try {
    const { http, sleeps, logs } = clientFor(server.baseUrl);
    assert.deepEqual(await http.getJson({ path: '/v1/items?limit=2' }, Item), { id: 'i1', n: 1 });
    assert.deepEqual(sleeps, [3000, 500]); // the second attempt's backoff step: 1 s, halved
    assert.deepEqual(
      logs.map((l) => [l.event, l.method, l.path, l.status, l.attempt, l.delayMs, l.reason]),
      [
        ['retry', 'GET', '/v1/items?limit=2', 429, 1, 3000, 'Retry-After'],
        ['retry', 'GET', '/v1/items?limit=2', 500, 2, 500, 'HTTP 500 internal'],
      ],
    );
    assert.equal(server.requests.length, 3);
    for (const r of server.requests) {
      assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(r.headers.accept, 'application/json');
    }
  } finally {
    await server.close();
  }
});

test('a 4xx is not retried; errors name vendor, method, path and status; a wrong shape names the field', async () => {
  const server = await startReplay({
    'POST /v1/items': json(422, { code: 'invalid', message: 'n must be a number' }),
    'GET /v1/items/1': json(200, { id: 'i1', n: 'one' }),
    'GET /v1/items/2': text(200, '<html>not json</html>'),
    'GET /v1/items/3': json(404, { code: 'not_found', message: 'gone' }),
  });
  try {
    const { http, sleeps } = clientFor(server.baseUrl);
    await assert.rejects(
      http.request({ method: 'POST', path: '/v1/items', json: { n: 'x' } }),
      (err: unknown) => {
        assert.ok(err instanceof HttpApiError);
        assert.deepEqual(
          [err.vendor, err.method, err.path, err.status, err.code, err.attempts],
          ['Acme', 'POST', '/v1/items', 422, 'invalid', 1],
        );
        assert.equal(err.message, 'Acme POST /v1/items answered 422 (invalid): n must be a number');
        return true;
      },
    );
    assert.deepEqual(sleeps, []);
    assert.equal(server.requests[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(server.requests[0]!.json, { n: 'x' });
    await assert.rejects(
      http.getJson({ path: '/v1/items/1' }, Item),
      /^HttpApiError: Acme GET \/v1\/items\/1: unexpected answer \(n: /,
    );
    await assert.rejects(
      http.getJson({ path: '/v1/items/2' }, Item, 'an item'),
      /Acme GET \/v1\/items\/2: the answer is not JSON/,
    );
    // an accepted status is answered as it is
    const gone = await http.request({ path: '/v1/items/3', accept: (s) => s === 404 });
    assert.equal(gone.status, 404);
    // a vendor's own retry rule
    const { http: strict } = clientFor(server.baseUrl, { retryable: () => false });
    await assert.rejects(strict.request({ path: '/v1/nothing' }), /answered 404/);
  } finally {
    await server.close();
  }
});

test('a rate window: a spent one delays the next request; a 429 waits it out; a wait past maxWaitMs fails with retryAt', async () => {
  const windowHeaders = { 'x-window-remaining': '0', 'x-window-reset': '4' };
  const server = await startReplay({
    '/a': json(200, { id: 'a', n: 1 }, windowHeaders),
    '/b': [
      json(429, { code: 'busy', message: 'busy' }, windowHeaders),
      json(200, { id: 'b', n: 2 }),
    ],
    '/c': json(429, { code: 'daily', message: 'come back tomorrow' }, { 'retry-after': '36000' }),
  });
  try {
    const { http, sleeps, logs } = clientFor(server.baseUrl, {
      maxWaitMs: 60_000,
      rateWindow: {
        spent: (h) =>
          h.get('x-window-remaining') === '0' ? Number(h.get('x-window-reset')) * 1000 : null,
        wait: (status, h) =>
          status === 429 && h.get('x-window-reset')
            ? { ms: Number(h.get('x-window-reset')) * 1000, reason: 'window' }
            : null,
      },
    });
    await http.getJson({ path: '/a' }, Item);
    await http.getJson({ path: '/b' }, Item);
    assert.deepEqual(sleeps, [4000, 4000]);
    assert.deepEqual(
      logs.map((l) => [l.event, l.path, l.status, l.reason]),
      [
        ['throttle', '/b', 0, 'window spent'],
        ['retry', '/b', 429, 'window'],
      ],
    );
    await assert.rejects(http.request({ path: '/c' }), (err: unknown) => {
      assert.ok(err instanceof HttpApiError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'daily');
      assert.equal(err.retryAt, NOW + 36_000_000);
      assert.match(err.message, /rate limited for 36000 s, longer than the 60 s waited: come back/);
      return true;
    });
    assert.equal(sleeps.length, 2, 'the long wait was not taken');
  } finally {
    await server.close();
  }
});

test('a timeout and a dropped connection are retried; a caller abort is not', async () => {
  const server = await startReplay({
    '/slow': () => new Promise((r) => setTimeout(() => r(json(200, { id: 's', n: 0 })), 2000)),
    '/drop': [DROP, json(200, { id: 'd', n: 0 })],
  });
  try {
    const { http, sleeps, logs } = clientFor(server.baseUrl, { timeoutMs: 50, maxRetries: 1 });
    await assert.rejects(http.request({ path: '/slow' }), (err: unknown) => {
      assert.ok(err instanceof HttpApiError);
      assert.equal(err.status, 0);
      assert.equal(err.attempts, 2);
      assert.match(err.message, /^Acme GET \/slow: no answer after 2 attempts \(TimeoutError: /);
      return true;
    });
    assert.deepEqual(
      logs.map((l) => [l.status, l.reason.split(':')[0]]),
      [[0, 'TimeoutError']],
    );
    assert.deepEqual(await http.getJson({ path: '/drop' }, Item), { id: 'd', n: 0 });
    assert.deepEqual(sleeps, [250, 250]);

    const controller = new AbortController();
    const { http: patient, sleeps: none } = clientFor(server.baseUrl, {
      signal: controller.signal,
    });
    const pending = patient.request({ path: '/slow' });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, /^HttpApiError: Acme GET \/slow: aborted$/);
    await assert.rejects(patient.request({ path: '/drop' }), /aborted/);
    assert.deepEqual(none, [], 'an abort is not retried');
  } finally {
    await server.close();
  }
});

test('auth hooks: a static header, Basic, and a query token that no message or log shows', async () => {
  const server = await startReplay((req) =>
    req.url.pathname === '/echo'
      ? json(401, {
          code: 'unauthorized',
          message: `bad ${req.url.search} ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}`,
        })
      : text(503, `<html>upstream said api_token=${TOKEN}</html>`),
  );
  try {
    const errors: unknown[] = [];
    const logs: HttpClientLog[] = [];
    for (const auth of [
      { type: 'header', name: 'x-api-key', value: TOKEN },
      { type: 'basic', username: 'hooks', password: TOKEN },
      { type: 'query', name: 'api_token', value: TOKEN },
    ] as const) {
      const { http, logs: told } = clientFor(server.baseUrl, { auth, maxRetries: 1 });
      await http.request({ path: '/echo?page=2' }).catch((e: unknown) => errors.push(e));
      await http.request({ path: '/down' }).catch((e: unknown) => errors.push(e));
      logs.push(...told);
      assert.equal(
        inspect(http, { depth: 5, showHidden: true }).includes(TOKEN.slice(8)),
        false,
        `${auth.type}: the client object shows the token`,
      );
    }
    const [header, basic, query] = server.requests.filter((r) => r.url.pathname === '/echo');
    assert.equal(header!.headers['x-api-key'], TOKEN);
    assert.equal(
      basic!.headers.authorization,
      `Basic ${Buffer.from(`hooks:${TOKEN}`).toString('base64')}`,
    );
    assert.equal(query!.url.searchParams.get('api_token'), TOKEN);
    assert.equal(query!.url.searchParams.get('page'), '2');
    const seen = [
      ...errors.flatMap((e) => [String(e), inspect(e), JSON.stringify(e), (e as Error).stack]),
      JSON.stringify(logs),
    ].join('\n');
    assert.ok(!seen.includes(TOKEN.slice(8)), 'the token leaked');
    assert.ok(!seen.includes(Buffer.from(`hooks:${TOKEN}`).toString('base64').slice(4, 30)));
    // the query token is sent, never shown: the error names the path as the caller gave it
    assert.match(String(errors[4]), /^HttpApiError: Acme GET \/echo\?page=2 answered 401/);
    assert.match(String(errors[4]), /api_token=\[secret\]/);
    assert.match(String(errors[5]), /upstream said api_token=\[secret\]<\/html> after 2 attempts$/);
  } finally {
    await server.close();
  }
});

test('OAuth: no token refreshes first; an expired answer refreshes once for concurrent requests and retries once', async () => {
  let valid = 'fresh-token-0001';
  let issued = 0;
  const server = await startReplay((req) =>
    req.headers.authorization === `Bearer ${valid}`
      ? json(200, { id: req.url.pathname, n: issued })
      : json(401, { code: 'expired', message: `token ${req.headers.authorization} expired` }),
  );
  try {
    const refreshes: string[] = [];
    const refresh = async (reason: string) => {
      refreshes.push(reason);
      await new Promise((r) => setTimeout(r, 20)); // the token endpoint takes a moment
      issued++;
      return valid;
    };
    const { http, logs } = clientFor(server.baseUrl, {
      auth: {
        type: 'oauth',
        accessToken: null,
        refresh,
        expired: (a, e) => (a.status === 401 && e?.code === 'expired' ? 'expired' : null),
      },
    });
    assert.equal((await http.getJson({ path: '/one' }, Item)).n, 1);
    assert.deepEqual(refreshes, ['no access token yet']);
    // the token expires: three requests at once share one refresh
    valid = 'fresh-token-0002';
    const all = await Promise.all(['/a', '/b', '/c'].map((path) => http.getJson({ path }, Item)));
    assert.deepEqual(
      all.map((x) => x.n),
      [2, 2, 2],
    );
    assert.deepEqual(refreshes, ['no access token yet', 'expired']);
    assert.deepEqual(
      logs.map((l) => [l.event, l.reason]),
      [
        ['refresh', 'no access token yet'],
        ['refresh', 'expired'],
      ],
    );
    // a token that stays invalid: one refresh, one retry, then the 401 is the error (no loop)
    valid = 'never-accepted';
    const alwaysExpired = async (reason: string) => {
      refreshes.push(reason);
      return 'fresh-token-0003';
    };
    const { http: stuck } = clientFor(server.baseUrl, {
      auth: {
        type: 'oauth',
        accessToken: 'fresh-token-0002',
        refresh: alwaysExpired,
        expired: (a) => (a.status === 401 ? 'expired' : null),
      },
    });
    await assert.rejects(stuck.request({ path: '/x' }), (err: unknown) => {
      assert.ok(err instanceof HttpApiError);
      assert.equal(err.status, 401);
      // every token the client held is scrubbed from what the server echoed
      assert.equal(
        err.message,
        'Acme GET /x answered 401 (expired): token Bearer [secret] expired',
      );
      return true;
    });
    assert.equal(refreshes.length, 3);
  } finally {
    await server.close();
  }
});

test('scrubbing masks known secrets, longest first, and credential shapes; scrubbing twice changes nothing', () => {
  const scrubber = createScrubber('[x]', [[/\bsk_\w+/g, '[x]']]);
  scrubber.add('abcd1234');
  scrubber.add('abcd1234efgh');
  scrubber.add('ab'); // too short to be a secret: ordinary text keeps it
  const once = scrubber.scrub(
    'abcd1234efgh abcd1234 ab sk_test_1 Authorization: Bearer eyJhbGciOi.x.y ' +
      'refresh_token=r1&client_secret=c2 {"access_token": "t3"} x-api-token: t4',
  );
  assert.equal(
    once,
    '[x] [x] ab [x] Authorization: Bearer [x] refresh_token=[x]&client_secret=[x] ' +
      '{"access_token":"[x]"} x-api-token: [x]',
  );
  assert.equal(scrubber.scrub(once), once);
  assert.throws(() => createHttpClient({ vendor: 'Acme', baseUrl: 'ftp://x' }), /http\(s\)/);
});
