import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, startTestServer, type TestServer } from '../../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s.close());

test(
  'preflights on every ingestion path allow the SDK headers, and any other well-formed header asked for',
  { timeout: 60_000 },
  async () => {
    for (const path of [
      '/v1/batch',
      '/v1/t',
      '/v1/b',
      '/v1/m',
      '/collect',
      '/beacon/v1/batch',
      '/sourceConfig/',
      `/v1/projects/${s.workspace.writeKey}/settings`,
    ]) {
      const r = await fetch(`${s.base}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers':
            'content-type,authorization,x-retry-count,x-site-header,bad header',
        },
      });
      assert.equal(r.status, 204, path);
      assert.equal(r.headers.get('access-control-allow-origin'), '*', path);
      const allowed = (r.headers.get('access-control-allow-headers') ?? '')
        .toLowerCase()
        .split(/,\s*/);
      for (const h of [
        'content-type',
        'authorization',
        'x-retry-count',
        'anonymousid',
        'sentat',
        'rsa-retry-attempt',
        'x-site-header',
      ])
        assert.ok(allowed.includes(h), `${path}: ${h}`);
      assert.ok(!allowed.includes('bad header'), 'a malformed name is not echoed');
      assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
    }
  },
);

test(
  'errors on ingestion paths carry CORS headers too, so a browser SDK can read them',
  { timeout: 60_000 },
  async () => {
    const cases: [string, RequestInit][] = [
      ['/v1/t', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"type":' }],
      [
        '/v1/b',
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain', authorization: basicAuth('wk_unknown') },
          body: '{"batch":[{"type":"page"}]}',
        },
      ],
      [
        '/v1/batch',
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'content-encoding': 'zstd-ish' },
          body: '{}',
        },
      ],
    ];
    for (const [path, init] of cases) {
      const r = await fetch(`${s.base}${path}`, init);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
      assert.equal(r.headers.get('access-control-allow-origin'), '*', path);
      assert.equal(r.headers.get('access-control-expose-headers'), 'Retry-After', path);
    }
  },
);

test(
  'analytics.js settings and RudderStack source config: served for a known write key, pointing back at this host',
  { timeout: 60_000 },
  async () => {
    const seg = await fetch(`${s.base}/v1/projects/${s.workspace.writeKey}/settings`);
    assert.equal(seg.status, 200);
    const settings = (await seg.json()) as {
      integrations: Record<string, { apiKey: string; apiHost: string; protocol: string }>;
    };
    assert.deepEqual(Object.keys(settings.integrations), ['Segment.io']);
    const host = new URL(s.base).host;
    assert.deepEqual(
      [
        settings.integrations['Segment.io']!.apiKey,
        settings.integrations['Segment.io']!.apiHost,
        settings.integrations['Segment.io']!.protocol,
      ],
      [s.workspace.writeKey, `${host}/v1`, 'http'],
    );
    assert.equal((await fetch(`${s.base}/v1/projects/wk_nope/settings`)).status, 404);

    const viaAuth = await fetch(`${s.base}/sourceConfig/?p=npm&v=3`, {
      headers: { authorization: basicAuth(s.workspace.writeKey) },
    });
    assert.equal(viaAuth.status, 200);
    const config = (await viaAuth.json()) as {
      source: { enabled: boolean; destinations: unknown[]; config: unknown };
    };
    assert.equal(config.source.enabled, true);
    assert.deepEqual(config.source.destinations, []);
    assert.ok(!JSON.stringify(config).includes(s.workspace.id), 'the answer names no workspace');
    assert.equal(
      (await fetch(`${s.base}/sourceConfig/?writeKey=${s.workspace.writeKey}`)).status,
      200,
    );
    const none = await fetch(`${s.base}/sourceConfig/`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { field: string } }).error.field, 'writeKey');
    assert.equal((await fetch(`${s.base}/sourceConfig?writeKey=wk_nope`)).status, 404);
  },
);

test(
  'the one-letter paths take their type from the path, like the long ones',
  { timeout: 60_000 },
  async () => {
    const send = (path: string, body: object) =>
      fetch(`${s.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ writeKey: s.workspace.writeKey, ...body }),
      });
    const sent: [string, object, string][] = [
      [
        '/v1/t',
        { type: 'page', event: 'Clicked', anonymousId: 'short', messageId: 'sh-t' },
        'track',
      ],
      ['/v1/p', { anonymousId: 'short', messageId: 'sh-p' }, 'page'],
      ['/v1/i', { userId: 'short-u', anonymousId: 'short', messageId: 'sh-i' }, 'identify'],
      ['/v1/s', { anonymousId: 'short', messageId: 'sh-s', name: 'Home' }, 'screen'],
      ['/v1/g', { anonymousId: 'short', groupId: 'g1', messageId: 'sh-g' }, 'group'],
      ['/v1/a', { userId: 'short-u2', previousId: 'short', messageId: 'sh-a' }, 'alias'],
    ];
    for (const [path, body] of sent) assert.equal((await send(path, body)).status, 200, path);
    await s.app.ingest.flush();
    const stored = await s.store.queryEvents(s.workspace.id, { limit: 100 });
    for (const [, body, type] of sent) {
      const id = (body as { messageId: string }).messageId;
      assert.equal(stored.find((e) => e.messageId === id)?.type, type, id);
    }
  },
);
