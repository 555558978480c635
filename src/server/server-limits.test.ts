// Server limits on a real listening server: timeouts, body limits, error shapes, proxies and IPs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { basicAuth, startTestServer, type TestServer } from '../test-helpers/server.js';

const T = { timeout: 60_000 };

function portOf(s: TestServer): number {
  return Number(new URL(s.base).port);
}

/** A raw connection; resolves with everything the server sent once it closes the connection. */
function rawConnection(s: TestServer): {
  socket: net.Socket;
  closed: Promise<{ text: string; at: number }>;
} {
  const socket = net.connect(portOf(s), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<{ text: string; at: number }>((resolve) => {
    socket.on('close', () =>
      resolve({ text: Buffer.concat(chunks).toString('utf8'), at: Date.now() }),
    );
    socket.on('error', () => undefined);
  });
  return { socket, closed };
}

/** Writes `text` one character every `everyMs` until the socket closes (or the text runs out). */
function drip(socket: net.Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

test(
  'slow-loris: connections that drip their headers or their body are closed by the deadlines, others are served',
  T,
  async () => {
    const s = await startTestServer({ requestTimeout: 2, headersTimeout: 1 });
    try {
      const started = Date.now();
      const conns = Array.from({ length: 6 }, (_, i) => {
        const c = rawConnection(s);
        if (i % 2 === 0) {
          drip(
            c.socket,
            `POST /v1/batch HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(200)}\r\n`,
            200,
          );
        } else {
          c.socket.write(
            `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`,
          );
          drip(c.socket, `{"batch":[${' '.repeat(4000)}`, 200);
        }
        return c;
      });
      // meanwhile a normal client is served
      assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
      const results = await Promise.all(conns.map((c) => c.closed));
      for (const r of results) {
        assert.ok(r.at - started < 8000, `closed after ${r.at - started} ms`);
        assert.match(r.text, /^HTTP\/1\.1 408 /);
        assert.match(
          r.text,
          /\{"error":\{"code":"request_timeout","message":"the request was not received in time"\}\}$/,
        );
      }
    } finally {
      await s.close();
    }
  },
);

test('every 413 names the limit it passed, in bytes', T, async () => {
  const s = await startTestServer({ ingestRateLimit: 0 });
  try {
    const auth = {
      authorization: basicAuth(s.workspace.writeKey),
      'content-type': 'application/json',
    };
    const cases: [string, string, number][] = [
      [
        '/v1/batch',
        JSON.stringify({
          batch: [
            {
              type: 'track',
              event: 'x',
              anonymousId: 'a',
              properties: { pad: 'x'.repeat(600 * 1024) },
            },
          ],
        }),
        512000,
      ],
      [
        '/v1/t',
        JSON.stringify({
          type: 'track',
          event: 'x',
          anonymousId: 'a',
          properties: { pad: 'x'.repeat(40 * 1024) },
        }),
        32768,
      ],
      ['/api/channels/rules', JSON.stringify({ pad: 'x'.repeat(1100 * 1024) }), 1048576],
    ];
    for (const [path, body, limit] of cases) {
      const r = await fetch(`${s.base}${path}`, {
        method: path.startsWith('/api') ? 'PUT' : 'POST',
        headers: {
          ...auth,
          authorization: path.startsWith('/api') ? `Bearer ${s.secretKey}` : auth.authorization,
        },
        body,
      });
      assert.equal(r.status, 413, path);
      const j = (await r.json()) as { error: { code: string; message: string; field: string } };
      assert.deepEqual(j.error, {
        code: 'too_large',
        message: `the request body is larger than the limit of ${limit} bytes`,
        field: 'body',
      });
    }
    await s.app.ingest.flush();
    assert.equal(await s.store.countEvents(s.workspace.id), 0);
  } finally {
    await s.close();
  }
});

test(
  'invalid JSON is a 400 that says where, on the API and on every ingestion content type',
  T,
  async () => {
    const s = await startTestServer();
    try {
      const body = '{"batch": [\n  {"type": "page", "anonymousId": "a"},\n  }\n]}';
      for (const [path, type, auth] of [
        ['/v1/batch', 'application/json', basicAuth(s.workspace.writeKey)],
        ['/collect', 'text/plain;charset=UTF-8', ''],
        ['/v1/b', 'application/x-www-form-urlencoded', basicAuth(s.workspace.writeKey)],
        ['/api/channels/rules', 'application/json', `Bearer ${s.secretKey}`],
      ] as const) {
        const r = await fetch(`${s.base}${path}`, {
          method: path.startsWith('/api') ? 'PUT' : 'POST',
          headers: { 'content-type': type, authorization: auth },
          body,
        });
        assert.equal(r.status, 400, path);
        const j = (await r.json()) as { error: { code: string; message: string; field: string } };
        assert.deepEqual(
          j.error,
          {
            code: 'invalid_json',
            message:
              "body is not valid JSON at line 3, column 3 (character 54): expected a value, found '}'",
            field: 'body',
          },
          path,
        );
      }
      const proto = await fetch(`${s.base}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: basicAuth(s.workspace.writeKey),
        },
        body: '{"batch": [{"type": "page", "anonymousId": "p", "__proto__": {"x": 1}}]}',
      });
      assert.equal(proto.status, 400, 'a __proto__ key is refused');
      assert.equal(
        ((await proto.json()) as { error: { code: string } }).error.code,
        'invalid_json',
      );
    } finally {
      await s.close();
    }
  },
);

/** Sends raw bytes and returns what came back before the server closed or the wait ran out. */
async function rawExchange(s: TestServer, request: string, waitMs = 3000): Promise<string> {
  const c = rawConnection(s);
  c.socket.write(request);
  const timer = setTimeout(() => c.socket.destroy(), waitMs);
  const { text } = await c.closed;
  clearTimeout(timer);
  return text;
}

test(
  'no FST_ERR code reaches a client: framework, parser and HTTP errors are in our shape',
  T,
  async () => {
    const s = await startTestServer();
    try {
      const api = { authorization: `Bearer ${s.secretKey}` };
      const answers: { what: string; status: number; text: string }[] = [];
      const add = async (what: string, r: Response) =>
        answers.push({ what, status: r.status, text: await r.text() });
      await add(
        'bad URL escape',
        await fetch(`${s.base}/api/people/%E0%A4%A/journey`, { headers: api }),
      );
      await add(
        'long param',
        await fetch(`${s.base}/api/people/${'x'.repeat(300)}/journey`, { headers: api }),
      );
      await add(
        'empty JSON',
        await fetch(`${s.base}/api/channels/rules`, {
          method: 'PUT',
          headers: { ...api, 'content-type': 'application/json' },
          body: '',
        }),
      );
      await add(
        'unknown media type',
        await fetch(`${s.base}/api/channels/rules`, {
          method: 'PUT',
          headers: { ...api, 'content-type': 'application/xml' },
          body: '<a/>',
        }),
      );
      await add(
        'unknown encoding',
        await fetch(`${s.base}/v1/batch`, {
          method: 'POST',
          headers: { 'content-encoding': 'compress', 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      for (const a of answers) {
        assert.ok(a.status >= 400 && a.status < 500, `${a.what}: ${a.status}`);
        const j = JSON.parse(a.text) as { error: { code: string; message: string } };
        assert.match(j.error.code, /^[a-z_]+$/, `${a.what}: ${a.text}`);
        assert.ok(j.error.message, a.what);
        assert.ok(!a.text.includes('FST_'), `${a.what}: ${a.text}`);
      }
      assert.deepEqual(
        answers.map((a) => [
          a.status,
          (JSON.parse(a.text) as { error: { code: string } }).error.code,
        ]),
        [
          [400, 'bad_url'],
          [414, 'uri_too_long'],
          [400, 'invalid_json'],
          [415, 'unsupported_media_type'],
          [415, 'unsupported_encoding'],
        ],
      );
      // what Node's HTTP parser refuses, answered on the raw socket
      const mismatch = await rawExchange(
        s,
        `PUT /api/channels/rules HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.secretKey}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      );
      const garbage = await rawExchange(s, 'NOT HTTP AT ALL\r\n\r\n');
      const hugeHeader = await rawExchange(
        s,
        `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      for (const [what, text, status] of [
        ['content-length with chunked', mismatch, 400],
        ['garbage', garbage, 400],
        ['huge header', hugeHeader, 431],
      ] as const) {
        assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${text}`);
        assert.match(
          text,
          /\{"error":\{"code":"[a-z_]+","message":"[^"]+"\}\}$/,
          `${what}: ${text}`,
        );
        assert.ok(!text.includes('FST_'), what);
      }
    } finally {
      await s.close();
    }
  },
);

async function storedIp(
  s: TestServer,
  anon: string,
  headers: Record<string, string>,
): Promise<string | undefined> {
  const r = await fetch(`${s.base}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: JSON.stringify({
      writeKey: s.workspace.writeKey,
      batch: [{ type: 'page', anonymousId: anon, messageId: `${anon}-1` }],
    }),
  });
  assert.equal(r.status, 200);
  await s.app.ingest.flush();
  const [e] = await s.store.queryEvents(s.workspace.id, { anonymousId: anon });
  return (e?.context as { ip?: string } | undefined)?.ip;
}

test(
  'X-Forwarded-For is ignored unless it comes from a configured proxy; IPs are truncated unless turned off',
  T,
  async () => {
    const forged = { 'x-forwarded-for': '81.2.69.160' };
    const plain = await startTestServer({ truncateIps: false });
    try {
      assert.equal(
        await storedIp(plain, 'xff-default', forged),
        '127.0.0.1',
        'by default the forged header is ignored',
      );
    } finally {
      await plain.close();
    }
    const byDefault = await startTestServer();
    try {
      assert.equal(
        await storedIp(byDefault, 'trunc-default', {}),
        '127.0.0.0',
        'the host part is dropped by default',
      );
    } finally {
      await byDefault.close();
    }
    const proxied = await startTestServer({ trustProxy: ['127.0.0.1/32'], truncateIps: false });
    try {
      assert.equal(
        await storedIp(proxied, 'xff-proxy', forged),
        '81.2.69.160',
        'a configured proxy is believed',
      );
      // the proxy is believed about the hop it saw, not about what the client claimed before it
      assert.equal(
        await storedIp(proxied, 'xff-chain', { 'x-forwarded-for': '6.6.6.6, 81.2.69.161' }),
        '81.2.69.161',
      );
    } finally {
      await proxied.close();
    }
    const elsewhere = await startTestServer({ trustProxy: ['10.0.0.0/8'], truncateIps: false });
    try {
      assert.equal(
        await storedIp(elsewhere, 'xff-other', forged),
        '127.0.0.1',
        'a client that is not a configured proxy is not believed',
      );
    } finally {
      await elsewhere.close();
    }
  },
);
