// The id of one request's events (their batch_id): unique across requests, processes and restarts. A
// random prefix drawn once per process and a counter, rather than a random UUID per request: that cost
// ~0.3 µs a request (crypto refilling its buffer of random bytes), on the path every event takes.
import { randomBytes } from 'node:crypto';

const PROCESS_PREFIX = randomBytes(8).toString('hex');
let next = 0;

/** `<origin>-<16 hex digits, this process>-<counter in base 36>`, e.g. `api-3f9c1a0b7d2e4c11-1a`. */
export function newBatchId(origin: string): string {
  return `${origin}-${PROCESS_PREFIX}-${(next++).toString(36)}`;
}
