/**
 * Replays a simulated world through the Segment-compatible API (`POST /v1/batch`, write key as Basic
 * auth), as an SDK would: batches of events, a few requests in flight, retries with back-off on 429,
 * 5xx and network errors. `drain()` (called by the simulator after each day) keeps memory bounded.
 */
import type { SegmentEvent, SimWriter } from './types.js';

export interface HttpWriterOptions {
  /** The server, e.g. http://localhost:8787 */
  baseUrl: string;
  writeKey: string;
  batchSize?: number;
  concurrency?: number;
  maxRetries?: number;
}

export interface HttpWriterStats {
  events: number;
  requests: number;
  retries: number;
  rejected: number;
}

export function segmentHttpWriter(opts: HttpWriterOptions): SimWriter & { stats: HttpWriterStats } {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/v1/batch`;
  const auth = `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`;
  const batchSize = opts.batchSize ?? 100;
  const concurrency = opts.concurrency ?? 4;
  const maxRetries = opts.maxRetries ?? 8;
  const stats: HttpWriterStats = { events: 0, requests: 0, retries: 0, rejected: 0 };
  let buffer: SegmentEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;

  async function send(batch: SegmentEvent[]): Promise<void> {
    // no sentAt: the events carry their own (historical) times, so no clock-skew correction applies
    const body = JSON.stringify({ batch });
    for (let attempt = 0; ; attempt++) {
      stats.requests++;
      // status 0: a network error (retried like a 5xx)
      const { status, retryAfter, text } = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body,
      }).then(
        async (r) => ({
          status: r.status,
          retryAfter: Number(r.headers.get('retry-after') ?? 0),
          text: await r.text(),
        }),
        () => ({ status: 0, retryAfter: 0, text: '' }),
      );
      if (status >= 200 && status < 300) {
        stats.events += batch.length;
        stats.rejected += ((JSON.parse(text) as { rejected?: unknown[] }).rejected ?? []).length;
        return;
      }
      if ((status !== 0 && status !== 429 && status < 500) || attempt >= maxRetries) {
        throw new Error(
          `POST ${url} failed with ${status || 'a network error'}: ${text.slice(0, 300)}`,
        );
      }
      stats.retries++;
      await new Promise((r) =>
        setTimeout(r, retryAfter > 0 ? retryAfter * 1000 : Math.min(5000, 100 * 2 ** attempt)),
      );
    }
  }

  function flush(): void {
    if (buffer.length === 0) return;
    const p = send(buffer)
      .catch((err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    buffer = [];
  }

  async function waitBelow(n: number): Promise<void> {
    while (inFlight.size > n) await Promise.race(inFlight);
    if (failure) throw failure;
  }

  return {
    stats,
    event(e) {
      buffer.push(e);
      if (buffer.length >= batchSize) flush();
    },
    async drain() {
      await waitBelow(concurrency);
    },
    async close() {
      flush();
      await waitBelow(0);
    },
  };
}
