import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, clientFor, pageCall, startTestServer } from '../../test-helpers/server.js';
import { scanDatabase } from '../../test-helpers/scan-db.js';

const TOKEN = 'tokLIVE998';
const PASSWORD = 'pwLIVE4455';

test(
  'redaction settings: GET/PUT with the secret key, validated, applied to the next live event',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0, redactParams: ['member_ref'] });
    try {
      const { api, send } = clientFor(s);
      assert.equal((await fetch(`${s.base}/api/privacy/redaction`)).status, 401);
      const initial = (await (await api('/api/privacy/redaction')).json()) as Record<
        string,
        unknown
      >;
      assert.deepEqual(
        [initial.params, initial.identifyParam, initial.configParams],
        [[], null, ['member_ref']],
      );

      for (const [body, field] of [
        [{ params: ['ok', 'bad name'] }, 'params[1]'],
        [{ params: ['utm_source'] }, 'params[0]'],
        [{ params: ['a'], identifyParam: 'a' }, 'identifyParam'],
        [{ params: 'nonce' }, 'params'],
        [{ unknown: 1 }, '(body)'],
      ] as const) {
        const r = await api('/api/privacy/redaction', {
          method: 'PUT',
          body: JSON.stringify(body),
        });
        assert.equal(r.status, 400, JSON.stringify(body));
        const e = (await r.json()) as { error: { code: string; field: string } };
        assert.equal(e.error.code, 'invalid_settings');
        assert.equal(e.error.field, field, JSON.stringify(body));
      }
      const put = await api('/api/privacy/redaction', {
        method: 'PUT',
        body: JSON.stringify({ params: ['nonce'], identifyParam: 'cl_email' }),
      });
      assert.equal(put.status, 200);
      assert.deepEqual(((await put.json()) as { params: string[] }).params, ['nonce']);

      const url = `https://x.test/offer?utm_source=news&cl_email=jane%40example.com&nonce=n0nce1&member_ref=mref1&token=${TOKEN}`;
      const r = await send([
        {
          type: 'page',
          messageId: 'p1',
          anonymousId: 'a1',
          timestamp: '2026-01-01T00:00:00Z',
          context: { page: { url } },
        },
      ]);
      assert.equal(r.status, 200);
      await s.app.ingest.settle();
      const events = await s.store.queryEvents(s.workspace.id, { anonymousId: 'a1' });
      const page = events.find((e) => e.type === 'page')!;
      assert.equal(
        page.pageUrl,
        'https://x.test/offer?utm_source=news&nonce=[redacted]&member_ref=[redacted]&token=[redacted]',
      );
      assert.deepEqual((page.context as { redacted: string[] }).redacted, [
        'cl_email',
        'member_ref',
        'nonce',
        'token',
      ]);
      const identify = events.find((e) => e.type === 'identify');
      assert.deepEqual(identify?.traits, { email: 'jane@example.com' });
      assert.equal(identify?.timestamp, page.timestamp);
      assert.equal(
        (await s.store.leadsByFirstTouchChannel(s.workspace.id)).reduce((n, l) => n + l.leads, 0),
        1,
        'the campaign link made a lead',
      );
    } finally {
      await s.close();
    }
  },
);

test(
  'live redaction on every route: /v1/batch, /v1/page, /v1/track and /collect (no snippet redaction needed)',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    try {
      const leak = (n: number) =>
        `https://x.test/login?password=${PASSWORD}&email=leak${n}%40example.com&utm_source=x&gclid=G${n}#id_token=${TOKEN}`;
      const auth = {
        authorization: basicAuth(s.workspace.writeKey),
        'content-type': 'application/json',
      };
      const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
        fetch(`${s.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const responses = await Promise.all([
        post('/v1/batch', {
          batch: [
            {
              type: 'page',
              anonymousId: 'b',
              context: { page: { url: leak(1), referrer: leak(2) } },
              properties: { url: leak(1) },
            },
          ],
        }),
        post('/v1/page', {
          anonymousId: 'p',
          properties: {
            url: leak(3),
            search: `?password=${PASSWORD}`,
            path: `/login?token=${TOKEN}`,
          },
        }),
        post('/v1/track', {
          anonymousId: 't',
          event: 'clicked',
          properties: { href: leak(4) },
          context: { page: { url: leak(5) } },
        }),
        post(
          '/collect',
          {
            writeKey: s.workspace.writeKey,
            batch: [
              {
                type: 'page',
                anonymousId: 'c',
                context: { page: { url: leak(6), search: `?password=${PASSWORD}` } },
              },
            ],
          },
          { 'content-type': 'text/plain' },
        ),
      ]);
      assert.deepEqual(
        responses.map((r) => r.status),
        [200, 200, 200, 200],
      );
      await s.app.ingest.settle();
      assert.equal(await s.store.countEvents(s.workspace.id), 4);
      const hits = await scanDatabase(s.store, [
        PASSWORD,
        TOKEN,
        'leak1',
        'leak2',
        'leak3',
        'leak4',
        'leak5',
        'leak6',
      ]);
      for (const [needle, where] of hits)
        assert.deepEqual(where, [], `${needle} stored in ${JSON.stringify(where)}`);
      const gclids = await scanDatabase(s.store, [
        'gclid=G1',
        'gclid=G3',
        'gclid=G5',
        'gclid=G6',
        'utm_source=x',
      ]);
      for (const [needle, where] of gclids)
        assert.ok(
          where.some((h) => h.table === 'events'),
          `${needle} kept`,
        );
      const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'b' });
      assert.equal(
        stored[0]?.pageUrl,
        'https://x.test/login?password=[redacted]&email=[email]&utm_source=x&gclid=G1#id_token=[redacted]',
      );
    } finally {
      await s.close();
    }
  },
);

test(
  'POST /api/privacy/redaction/apply: stored events rewritten with the current rules and this run’s names, the workspace re-derived, the run listed',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0, redactParams: ['member_ref'] });
    try {
      const { api, send } = clientFor(s);
      // stored before the workspace named these parameters: the live path kept their values
      const url = 'https://x.test/offer?utm_source=news&nonce=NONCE77&ticket=TICKET88';
      assert.equal(
        (await send([pageCall('r1', 'anon-r', '2026-01-01T00:00:00Z', url)])).status,
        200,
      );
      await s.app.ingest.settle();
      const landing = async () =>
        (await s.store.listSessions(s.workspace.id, { anonymousIds: ['anon-r'] }))[0]?.landingUrl;
      assert.equal(await landing(), url);
      const put = await api('/api/privacy/redaction', {
        method: 'PUT',
        body: JSON.stringify({ params: ['nonce'] }),
      });
      assert.equal(put.status, 200);

      const apply = (body: unknown) =>
        api('/api/privacy/redaction/apply', { method: 'POST', body: JSON.stringify(body) });
      for (const [body, field] of [
        [{ names: ['utm_x'] }, 'names[0]'],
        [{ names: ['bad name'] }, 'names[0]'],
        [{ names: 'ticket' }, 'names'],
        [{ other: 1 }, '(body)'],
      ] as const) {
        const res = await apply(body);
        const e = ((await res.json()) as { error: { code: string; field: string } }).error;
        assert.deepEqual([res.status, e.code, e.field], [400, 'invalid_body', field]);
      }
      const res = await apply({ names: ['ticket'] });
      assert.equal(res.status, 200);
      const run = (await res.json()) as {
        id: string;
        rowsChanged: number;
        redactedNames: string[];
        extraNames: string[];
        rederived: boolean;
      };
      assert.equal(run.rowsChanged, 1);
      assert.deepEqual(run.redactedNames, ['nonce', 'ticket']);
      assert.ok(run.extraNames.includes('ticket'));
      assert.equal(run.rederived, true);
      const redacted = 'https://x.test/offer?utm_source=news&nonce=[redacted]&ticket=[redacted]';
      assert.equal(
        await landing(),
        redacted,
        'the sessions were re-derived from the redacted facts',
      );
      const hits = await scanDatabase(s.store, ['NONCE77', 'TICKET88']);
      for (const [needle, where] of hits) assert.deepEqual(where, [], needle);

      // a second run changes nothing and derives nothing; both runs are listed, names only
      const again = (await (await apply({})).json()) as { rowsChanged: number; rederived: boolean };
      assert.deepEqual([again.rowsChanged, again.rederived], [0, false]);
      const runs = (await (await api('/api/privacy/redaction/runs')).json()) as {
        runs: { id: string; scope: string; rowsChanged: number }[];
      };
      assert.deepEqual(
        runs.runs.map((r) => [r.scope, r.rowsChanged]),
        [
          ['workspace', 1],
          ['workspace', 0],
        ],
      );
      assert.equal(runs.runs[0]!.id, run.id);
      assert.equal((await fetch(`${s.base}/api/privacy/redaction/runs`)).status, 401);
    } finally {
      await s.close();
    }
  },
);
