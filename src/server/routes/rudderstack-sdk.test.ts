import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Analytics from '@rudderstack/rudder-sdk-node';
import { startTestServer } from '../../test-helpers/server.js';

test(
  'the real @rudderstack/rudder-sdk-node SDK (gzip on, its default) delivers every event it sends',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    // what the SDK put on the wire, seen by a pass-through proxy: proves the batches really were gzipped
    const encodings: string[] = [];
    const proxy = http.createServer((req, res) => {
      encodings.push(String(req.headers['content-encoding']));
      const upstream = http.request(
        `${s.base}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const errors: unknown[] = [];
      const client = new Analytics(s.workspace.writeKey, {
        dataPlaneUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
        flushAt: 4,
        retryCount: 0,
        errorHandler: (err: unknown) => errors.push(err),
      });
      client.identify({ userId: 'rs-user', traits: { email: 'grace@example.com', plan: 'team' } });
      for (let i = 0; i < 9; i++)
        client.track({ userId: 'rs-user', event: 'Report Viewed', properties: { n: i } });
      client.page({
        userId: 'rs-user',
        name: 'Pricing',
        properties: { url: 'https://acme.io/pricing' },
      });
      client.group({ userId: 'rs-user', groupId: 'acme', traits: { name: 'Acme' } });
      client.alias({ userId: 'rs-user', previousId: 'rs-old' });
      await client.flush();
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(errors, []);
      assert.ok(
        encodings.length >= 3 && encodings.every((e) => e === 'gzip'),
        `encodings: ${encodings.join(',')}`,
      );
      await s.app.ingest.flush();
      const stored = await s.store.queryEvents(s.workspace.id, { userId: 'rs-user', limit: 100 });
      assert.equal(stored.length, 13, stored.map((e) => e.type).join(','));
      assert.deepEqual(
        stored.map((e) => e.type).sort(),
        ['alias', 'group', 'identify', 'page', ...Array<string>(9).fill('track')].sort(),
      );
      const tracks = stored.filter((e) => e.type === 'track');
      assert.deepEqual(
        tracks.map((e) => (e.properties as { n: number }).n).sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.equal(new Set(stored.map((e) => e.messageId)).size, 13, 'every message id once');
      assert.equal(
        (tracks[0]!.context as { library: { name: string } }).library.name,
        'analytics-node',
      );
    } finally {
      proxy.close();
      await s.close();
    }
  },
);
