// The realtime report as Server-Sent Events: a `snapshot` event at once, then a fresh one each time the
// journal loader stores events of the workspace (at most one a second), and at least every `refreshMs`
// (the window slides while nothing arrives). The snapshot is the realtime report's (reports/realtime.ts).
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { realtimeParams, realtimeSnapshot } from '../../reports/realtime.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import type { LiveLoads } from '../live-loads.js';

/** How long a closing server waits for the streams' sockets to close after their end. */
const CLOSE_GRACE_MS = 200;

export interface RealtimeStreamOptions {
  /** Least time between two snapshots pushed for arrivals (ms). */
  throttleMs?: number;
  /** Most time between two snapshots (ms). */
  refreshMs?: number;
}

export function realtimeStreamRoutes(
  fastify: FastifyInstance,
  store: Store,
  loads: LiveLoads,
  opts: RealtimeStreamOptions = {},
): void {
  const throttleMs = opts.throttleMs ?? 1000;
  const refreshMs = opts.refreshMs ?? 15_000;
  const open = new Map<() => void, { closed: Promise<void>; destroy(): void }>();
  // a stream never ends by itself: closing the server ends them, or it would wait for the clients; a
  // socket still open a moment later (a client that does not read) is cut
  fastify.addHook('preClose', async () => {
    const streams = [...open.entries()];
    for (const [end] of streams) end();
    const all = Promise.all(streams.map(([, s]) => s.closed));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    for (const [, s] of streams) s.destroy();
  });
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/api/reports/realtime/stream',
    {
      config: access.secret(),
      schema: {
        summary:
          'The realtime report as Server-Sent Events: a snapshot at once, then one as events arrive (at most one a second) and every 15 s',
        tags: ['reports'],
        querystring: realtimeParams,
      },
    },
    (req, reply) => {
      const workspaceId = workspaceOf(req).id;
      // kept: a finished response lets go of its socket
      const socket = req.raw.socket;
      const out = new PassThrough();
      let last = 0;
      let timer: NodeJS.Timeout | undefined;
      let running = false;
      let again = false;
      let ended = false;
      let seq = 0;
      const push = async () => {
        if (ended) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        clearTimeout(timer);
        try {
          const snap = await realtimeSnapshot({ store, workspaceId }, req.query);
          if (!ended) out.write(`event: snapshot\nid: ${++seq}\ndata: ${JSON.stringify(snap)}\n\n`);
        } catch (err) {
          req.log.error({ err }, 'realtime snapshot failed');
          if (!ended)
            out.write(`event: error\ndata: ${JSON.stringify({ message: 'snapshot failed' })}\n\n`);
        } finally {
          running = false;
          last = Date.now();
          if (!ended) timer = setTimeout(() => void push(), again ? throttleMs : refreshMs);
          again = false;
        }
      };
      const unsubscribe = loads.subscribe((workspaces) => {
        if (!workspaces.has(workspaceId) || ended) return;
        const wait = Math.max(0, last + throttleMs - Date.now());
        if (running) again = true;
        else {
          clearTimeout(timer);
          timer = setTimeout(() => void push(), wait);
        }
      });
      const end = () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        unsubscribe();
        open.delete(end);
        out.end();
      };
      // the response's close: the client went away (or the stream ended)
      open.set(end, {
        closed: new Promise<void>((resolve) => reply.raw.once('close', () => resolve())),
        destroy: () => socket.destroy(),
      });
      reply.raw.on('close', end);
      void reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        // the socket closes with the stream: a server closing finds no idle keep-alive socket left
        .header('connection', 'close')
        .send(out);
      // the client's EventSource reconnects after this many ms if the stream drops
      out.write(`retry: 3000\n\n`);
      void push();
      return reply;
    },
  );
}
