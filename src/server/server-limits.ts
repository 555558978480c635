import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { addressMatcher } from '../util/address-list.js';
import { limitConnections } from './connection-limit.js';
import { decompressRequestBody } from './decompress.js';
import { clientErrorHandler, frameworkErrors } from './errors.js';
import { installJsonBody } from './json-body.js';

/** The largest body any route takes unless it sets its own (ingestion routes set smaller ones). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** A socket with no traffic for this long is closed (a client that stops reading a response, say). */
export const IDLE_TIMEOUT_MS = 5 * 60_000;

type LimitOptions = Pick<
  FastifyHttpOptions<Server>,
  | 'bodyLimit'
  | 'trustProxy'
  | 'requestTimeout'
  | 'connectionTimeout'
  | 'keepAliveTimeout'
  | 'http'
  | 'frameworkErrors'
  | 'clientErrorHandler'
>;

/**
 * Fastify's options for timeouts, proxies, body size and errors. Every timeout is on: with Fastify's
 * defaults (0) a client sending a byte every few seconds held its connection forever.
 */
export function serverOptions(config: Config): LimitOptions {
  const requestTimeout = Math.round(config.requestTimeout * 1000);
  const headersTimeout = Math.min(Math.round(config.headersTimeout * 1000), requestTimeout); // Node requires <=
  const keepAliveTimeout = Math.round(config.keepAliveTimeout * 1000);
  const trusted = addressMatcher(config.trustProxy);
  return {
    bodyLimit: DEFAULT_BODY_LIMIT,
    // only the configured proxies may say who the client is (X-Forwarded-For); anyone else could forge it
    trustProxy: config.trustProxy.length > 0 ? (address: string) => trusted(address) : false,
    requestTimeout,
    connectionTimeout: IDLE_TIMEOUT_MS,
    keepAliveTimeout,
    // Node checks the request and header deadlines on an interval (30 s by default): check often enough
    // that a deadline means what it says
    http: {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 2)),
    },
    frameworkErrors,
    clientErrorHandler,
  };
}

/** Hooks every route shares: the per-address connection cap, body decompression and the JSON parser. */
export function installServerLimits(app: FastifyInstance, config: Config): void {
  const trusted = addressMatcher(config.trustProxy);
  const connections = limitConnections(app.server, {
    max: config.maxConnectionsPerIp,
    exempt: trusted,
  });
  app.addHook('onRequest', connections.onRequest);
  app.addHook('preParsing', decompressRequestBody);
  installJsonBody(app);
}
