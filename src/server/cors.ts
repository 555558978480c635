import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Request headers the browser SDKs send to an ingestion host: Segment's analytics.js (Authorization with
 * the write key, X-Retry-Count on retries) and RudderStack's (AnonymousId, SentAt, the Rsa-* retry headers).
 * A preflight may ask for others (a site can add its own headers to analytics.js): any well-formed header
 * name is allowed too, since ingestion reads no cookies and the write key is public.
 */
export const SDK_REQUEST_HEADERS = [
  'Content-Type',
  'Authorization',
  'X-Retry-Count',
  'AnonymousId',
  'SentAt',
  'Rsa-Recovered',
  'Rsa-Retry-Attempt',
  'Rsa-Since-Last-Attempt',
  'Rsa-Since-First-Attempt',
  'Rsa-Retry-Reason',
];
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const MAX_EXTRA_HEADERS = 32;

/** Lets any page read the response (no credentials); Retry-After is exposed so SDKs can honour a 429. */
export function allowAnyOrigin(reply: FastifyReply): FastifyReply {
  // (lower case, as Fastify stores them: a name it must lower-case costs a new string on every request)
  return reply
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'Retry-After');
}

/** The headers of a CORS preflight answer for an ingestion path. */
export function preflightHeaders(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => TOKEN.test(h))
    .slice(0, MAX_EXTRA_HEADERS);
  const known = new Set(SDK_REQUEST_HEADERS.map((h) => h.toLowerCase()));
  const allowed = [...SDK_REQUEST_HEADERS, ...requested.filter((h) => !known.has(h.toLowerCase()))];
  allowAnyOrigin(reply)
    .header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
    .header('Access-Control-Allow-Headers', allowed.join(', '))
    .header('Access-Control-Max-Age', '7200')
    .header('Vary', 'Access-Control-Request-Headers');
  // Chrome's Private Network Access: a public page sending to a host on a private network asks first
  if (req.headers['access-control-request-private-network'] === 'true')
    reply.header('Access-Control-Allow-Private-Network', 'true');
  return reply;
}
