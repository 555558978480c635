import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, createGunzip, deflateSync, gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { basicAuth, startTestServer } from '../test-helpers/server.js';
import { decodeLimited } from './decompress.js';

const T = { timeout: 60_000 };

test(
  'gzip, deflate and br bodies are decoded and stored; unknown or corrupt encodings are refused',
  T,
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    try {
      const send = (encoding: string, body: Buffer, contentType = 'application/json') =>
        fetch(`${s.base}/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'content-encoding': encoding,
            authorization: basicAuth(s.workspace.writeKey),
          },
          body: new Uint8Array(body),
        });
      const batch = (id: string) =>
        Buffer.from(
          JSON.stringify({
            batch: [{ type: 'track', event: 'Compressed', anonymousId: 'z', messageId: id }],
          }),
        );
      assert.equal((await send('gzip', gzipSync(batch('gz')))).status, 200);
      assert.equal(
        (await send('x-gzip', gzipSync(batch('xgz')), 'application/x-www-form-urlencoded')).status,
        200,
      );
      assert.equal((await send('deflate', deflateSync(batch('df')))).status, 200);
      assert.equal((await send('br', brotliCompressSync(batch('br')), 'text/plain')).status, 200);
      assert.equal((await send('identity', batch('id'))).status, 200);
      const unknown = await send('compress', batch('lzw'));
      assert.equal(unknown.status, 415);
      assert.deepEqual(await unknown.json(), {
        error: {
          code: 'unsupported_encoding',
          message:
            'Content-Encoding "compress" is not supported; send gzip, deflate, br or no encoding',
          field: 'content-encoding',
        },
      });
      const corrupt = await send(
        'gzip',
        Buffer.concat([gzipSync(batch('bad')).subarray(0, 12), Buffer.from('not gzip at all')]),
      );
      assert.equal(corrupt.status, 400);
      assert.deepEqual(((await corrupt.json()) as { error: unknown }).error, {
        code: 'invalid_encoding',
        message: 'the body is not valid gzip data',
        field: 'content-encoding',
      });
      await s.app.ingest.flush();
      const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'z' });
      assert.deepEqual(stored.map((e) => e.messageId).sort(), ['br', 'df', 'gz', 'id', 'xgz']);
    } finally {
      await s.close();
    }
  },
);

test(
  'a gzip bomb is a 413 naming the decoded limit; nothing is stored and the server goes on',
  T,
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    try {
      // 24 MB of JSON whitespace inside a batch: ~24 KB on the wire, under every route's limit
      const bomb = gzipSync(
        Buffer.concat([
          Buffer.from('{"batch":['),
          Buffer.alloc(24 * 1024 * 1024, 0x20),
          Buffer.from(']}'),
        ]),
        { level: 9 },
      );
      assert.ok(bomb.length < 32 * 1024, `${bomb.length}`);
      for (const path of ['/v1/batch', '/v1/t', '/collect']) {
        const r = await fetch(`${s.base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            authorization: basicAuth(s.workspace.writeKey),
          },
          body: new Uint8Array(bomb),
        });
        assert.equal(r.status, 413, path);
        const limit = path === '/v1/t' ? 32768 : 512000;
        assert.deepEqual(await r.json(), {
          error: {
            code: 'too_large',
            message: `the decompressed request body is larger than the limit of ${limit} bytes`,
            field: 'body',
          },
        });
      }
      await s.app.ingest.flush();
      assert.equal(await s.store.countEvents(s.workspace.id), 0);
      assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
    } finally {
      await s.close();
    }
  },
);

test('decoding stops at the limit: the rest of a bomb is never inflated', T, async () => {
  const raw = new PassThrough();
  const decoder = createGunzip();
  let inflated = 0;
  decoder.on('data', (c: Buffer) => (inflated += c.length));
  const out = decodeLimited(raw, decoder, 100_000, 'gzip');
  const failed = new Promise<Error>((resolve) => out.on('error', resolve));
  out.resume();
  raw.end(gzipSync(Buffer.alloc(64 * 1024 * 1024)));
  const err = await failed;
  assert.match(err.message, /larger than the limit of 100000 bytes/);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(decoder.destroyed, 'the decoder is stopped');
  assert.ok(inflated < 4 * 1024 * 1024, `inflated ${inflated} bytes of 64 MB`);
  assert.ok(out.receivedEncodedLength > 0, 'the encoded length is counted for Fastify');
});
