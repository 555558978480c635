// A real local HTTP server that replays a vendor API for connector tests: scripted answers per route
// (status, headers, body), sequences for "429, then 200" (the last answer repeats), a handler where an
// answer depends on the request, dropped connections, and every request recorded for assertions.
//
//   const server = await startReplay({
//     'GET /v1/customers': [json(429, {}, { 'retry-after': '2' }), json(200, page)],
//   });
//   try {
//     const client = createStripeClient({ secretKey, baseUrl: server.baseUrl });
//     ...
//     assert.equal(server.requests.length, 2);
//   } finally {
//     await server.close();
//   }

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it. */
export interface ReplayRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body as text ('' when none). */
  body: string;
  /** The body parsed as JSON, or null when it is empty or not JSON. */
  json: unknown;
}

export type ReplayAnswer =
  /** A string body is sent as UTF-8; bytes (a zip download) as they are. */
  | { status: number; headers?: Record<string, string>; body?: string | Uint8Array }
  /** The connection is dropped without an answer (a network failure, as the client sees it). */
  | typeof DROP;

export const DROP = Symbol('drop the connection');

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ReplayAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A text answer (an HTML error page from a proxy, say). */
export function text(
  status: number,
  body: string,
  headers: Record<string, string> = { 'content-type': 'text/html' },
): ReplayAnswer {
  return { status, headers, body };
}

/** How a request is answered; undefined passes it on (to the fallback). */
export type ReplayHandler = (
  req: ReplayRequest,
) => ReplayAnswer | undefined | Promise<ReplayAnswer | undefined>;

/** A fixed answer, a sequence (one per request, the last repeating) or a handler. */
export type ReplayRoute = ReplayAnswer | readonly ReplayAnswer[] | ReplayHandler;

/** Routes by `METHOD /path` or `/path` (any method); the path without its query. */
export type ReplayRoutes = Record<string, ReplayRoute>;

export interface ReplayServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Every request, in the order they came. */
  requests: ReplayRequest[];
  close(): Promise<void>;
}

const NOT_FOUND = (req: ReplayRequest): ReplayAnswer =>
  json(404, { error: `no replayed route for ${req.method} ${req.url.pathname}` });

function routeOf(routes: ReplayRoutes, req: ReplayRequest): ReplayRoute | undefined {
  return routes[`${req.method} ${req.url.pathname}`] ?? routes[req.url.pathname];
}

/**
 * Starts the server on a free loopback port. `routes` are tried first, then `fallback` (a 404 naming
 * the request when there is none).
 */
export async function startReplay(
  routes: ReplayRoutes | ReplayHandler,
  fallback: ReplayHandler = NOT_FOUND,
): Promise<ReplayServer> {
  const requests: ReplayRequest[] = [];
  // how many times each sequence has answered
  const served = new Map<ReplayRoute, number>();

  async function answerOf(req: ReplayRequest): Promise<ReplayAnswer> {
    const route = typeof routes === 'function' ? routes : routeOf(routes, req);
    let answer: ReplayAnswer | undefined;
    if (typeof route === 'function') answer = await route(req);
    else if (Array.isArray(route)) {
      const n = served.get(route) ?? 0;
      served.set(route, n + 1);
      answer = route[Math.min(n, route.length - 1)];
    } else answer = route as ReplayAnswer | undefined;
    return answer ?? (await fallback(req)) ?? NOT_FOUND(req);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown = null;
      try {
        parsed = body ? (JSON.parse(body) as unknown) : null;
      } catch {
        // a form or text body: `body` has it
      }
      const seen: ReplayRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://replay'),
        headers: req.headers,
        body,
        json: parsed,
      };
      requests.push(seen);
      answerOf(seen).then(
        (answer) => {
          if (answer === DROP) return void req.socket.destroy();
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`replay handler failed: ${String(err)}`);
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
