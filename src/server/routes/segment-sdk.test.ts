import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Analytics } from '@segment/analytics-node';
import { startTestServer } from '../../test-helpers/server.js';

test('the real @segment/analytics-node SDK pointed at our host delivers track, identify and page', async () => {
  const s = await startTestServer();
  try {
    const analytics = new Analytics({
      writeKey: s.workspace.writeKey,
      host: s.base,
      flushAt: 3,
      maxRetries: 2,
    });
    analytics.identify({ userId: 'sdk-user', traits: { email: 'Ada@Example.com' } });
    analytics.track({ userId: 'sdk-user', event: 'Trial Started', properties: { plan: 'pro' } });
    analytics.page({
      userId: 'sdk-user',
      name: 'Pricing',
      properties: { url: 'https://acme.io/pricing' },
    });
    await analytics.closeAndFlush({ timeout: 5000 });
    await s.app.ingest.flush();
    const stored = await s.store.queryEvents(s.workspace.id, { userId: 'sdk-user' });
    assert.deepEqual(stored.map((e) => e.type).sort(), ['identify', 'page', 'track']);
    const track = stored.find((e) => e.type === 'track')!;
    assert.equal(track.event, 'Trial Started');
    assert.deepEqual(track.properties, { plan: 'pro' });
    assert.match(track.messageId, /^node-next-/);
    assert.equal(
      (track.context as { library: { name: string } }).library.name,
      '@segment/analytics-node',
    );
  } finally {
    await s.close();
  }
});

test('when the acknowledgement is lost the SDK retries, and the retry is not counted twice', async () => {
  const s = await startTestServer();
  // A proxy that forwards the first request, lets the server store it, then tells the client it failed.
  let forwarded = 0;
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      forwarded++;
      const upstream = await fetch(`${s.base}${req.url}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: req.headers.authorization ?? '',
        },
        body: Buffer.concat(chunks),
      });
      const text = await upstream.text();
      if (forwarded === 1) res.writeHead(503).end('lost');
      else res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  try {
    const analytics = new Analytics({
      writeKey: s.workspace.writeKey,
      host: `http://127.0.0.1:${port}`,
      flushAt: 2,
      maxRetries: 3,
    });
    analytics.track({ anonymousId: 'retry-anon', event: 'Demo Requested' });
    analytics.track({ anonymousId: 'retry-anon', event: 'Form Viewed' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.ok(forwarded >= 2, 'the SDK retried');
    await s.app.ingest.flush();
    const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'retry-anon' });
    assert.equal(stored.length, 2);
  } finally {
    proxy.close();
    await s.close();
  }
});

test('rate limiting per write key answers 429 with Retry-After', async () => {
  const s = await startTestServer({ ingestRateLimit: 2 });
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${s.base}/v1/page`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          writeKey: s.workspace.writeKey,
          anonymousId: 'rl',
          messageId: `rl${i}`,
        }),
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.ok(statuses.includes(200) && statuses.includes(429), statuses.join(','));
    assert.ok(retryAfter && Number(retryAfter) >= 1);
    const accepted = statuses.filter((x) => x === 200).length;
    await s.app.ingest.flush();
    assert.equal(await s.store.countEvents(s.workspace.id), accepted, 'a 429 stores nothing');
  } finally {
    await s.close();
  }
});
