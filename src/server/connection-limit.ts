import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from './errors.js';

export interface ConnectionLimitOptions {
  /** Open connections allowed per client address; 0 = no cap. */
  max: number;
  /** Addresses the cap does not apply to (trusted proxies: every client arrives through them). */
  exempt?: (address: string | undefined) => boolean;
  /** How long an over-cap connection may stay open waiting to send its request (ms). */
  graceMs?: number;
}

export interface ConnectionLimit {
  /** Open connections from `address` that count towards the cap. */
  open(address: string): number;
  /** An onRequest hook: a request on an over-cap connection gets a 429 and the connection is closed. */
  onRequest: onRequestAsyncHookHandler;
}

/**
 * Caps the connections one client address holds open, so one client (a slow-loris, a broken retry loop)
 * cannot take every socket. A connection over the cap is answered 429 on its first request and closed;
 * one that sends nothing is closed after a short grace; past twice the cap, connections are dropped at once.
 */
export function limitConnections(server: Server, opts: ConnectionLimitOptions): ConnectionLimit {
  const counts = new Map<string, number>();
  const over = new WeakSet<Socket>();
  const graceMs = opts.graceMs ?? 2000;
  if (opts.max > 0) {
    server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress;
      if (!address || opts.exempt?.(address)) return;
      const n = (counts.get(address) ?? 0) + 1;
      counts.set(address, n);
      socket.once('close', () => {
        const left = (counts.get(address) ?? 1) - 1;
        if (left > 0) counts.set(address, left);
        else counts.delete(address);
      });
      if (n > 2 * opts.max) socket.destroy();
      else if (n > opts.max) {
        over.add(socket);
        socket.setTimeout(graceMs, () => socket.destroy());
      }
    });
  }
  return {
    open: (address) => counts.get(address) ?? 0,
    onRequest: async (req, reply) => {
      if (!over.has(req.raw.socket)) return;
      reply.header('Connection', 'close');
      throw new ApiError(
        429,
        'too_many_connections',
        `too many open connections from this address (the limit is ${opts.max})`,
      );
    },
  };
}
