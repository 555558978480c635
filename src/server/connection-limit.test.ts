import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestServer, type TestServer } from '../test-helpers/server.js';

const T = { timeout: 60_000 };

function connect(s: TestServer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(s.base).port), '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** One request on a raw socket: the response text, read until the server closes or the wait ends. */
function request(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => resolve(Buffer.concat(chunks).toString('utf8')), 3000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (/\r\n\r\n[\s\S]*\}$/.test(Buffer.concat(chunks).toString('utf8'))) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

const closed = (socket: net.Socket) =>
  new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));

test(
  'one address may hold only so many connections: the next is answered 429 and closed; a freed slot serves again',
  T,
  async () => {
    const s = await startTestServer({ maxConnectionsPerIp: 3 });
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) sockets.push(await connect(s));
      assert.match(
        await request(sockets[0]!, '/healthz'),
        /^HTTP\/1\.1 200 /,
        'connections within the cap are served',
      );
      const fourth = await connect(s);
      sockets.push(fourth);
      const refused = await request(fourth, '/healthz');
      assert.match(refused, /^HTTP\/1\.1 429 /);
      assert.match(refused, /connection: close/i);
      assert.ok(
        refused.endsWith(
          '{"error":{"code":"too_many_connections","message":"too many open connections from this address (the limit is 3)"}}',
        ),
        refused,
      );
      await closed(fourth);
      // an over-cap connection that sends nothing is not kept either
      const silent = await connect(s);
      sockets.push(silent);
      await closed(silent);
      sockets[1]!.destroy();
      await closed(sockets[1]!);
      await new Promise((r) => setTimeout(r, 50));
      const fifth = await connect(s);
      sockets.push(fifth);
      assert.match(
        await request(fifth, '/healthz'),
        /^HTTP\/1\.1 200 /,
        'a closed connection frees its slot',
      );
    } finally {
      for (const so of sockets) so.destroy();
      await s.close();
    }
  },
);

test('a configured proxy is exempt from the cap (every client arrives through it)', T, async () => {
  const s = await startTestServer({ maxConnectionsPerIp: 2, trustProxy: ['loopback'] });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < 5; i++) sockets.push(await connect(s));
    for (const so of sockets) assert.match(await request(so, '/healthz'), /^HTTP\/1\.1 200 /);
  } finally {
    for (const so of sockets) so.destroy();
    await s.close();
  }
});
