// Incremental derive latency through a real server in this process: a page view for a new anonymous id,
// then an identify with an email, both over HTTP; the clock stops when the people API finds the person by
// that email and their journey holds the session. Baseline: GET /healthz on the same server. Also the
// journey API's read time for persons already in the world. On ClickHouse (world.store a chdb:// URL) it
// runs in a process of its own (derive-worker.ts live): chdb holds one data directory per process.
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/config.js';
import { normaliseIdentifier } from '../../src/derive/identity/index.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';

export interface LiveWorld {
  dir: string;
  writeKey: string;
  secretKey: string;
  /** The data engine's URL, as CLOSEDLOOP_STORE (DuckDB when absent). */
  store?: string | undefined;
}

export interface LiveTimings {
  /** Milliseconds from the first send until the journey showed the session, one per repeat. */
  latencyMs: number[];
  healthzMs: number[];
  /** GET /api/people/:id/journey of existing persons with an email: milliseconds and timeline items, one per person. */
  journeyMs: number[];
  journeyItems: number[];
}

const POLL_MS = 10;
const GIVE_UP_MS = 60_000;
const HEALTHZ_ROUNDS = 50;
const JOURNEY_PERSONS = 20;
/** The journey persons are spread over the latest this-many identifies (queryEvents caps a read there). */
const IDENTIFY_POOL = 10_000;

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    Number.NaN
  );
}

interface Journey {
  timeline: { kind: string }[];
}

export async function measureLiveDerive(world: LiveWorld, repeats: number): Promise<LiveTimings> {
  const store = await openStore(world.dir, { store: world.store });
  const config = loadConfig({
    env: {},
    cwd: world.dir,
    overrides: { dataDir: world.dir, ingestRateLimit: 0, logLevel: 'silent' },
  });
  const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const ingestAuth = `Basic ${Buffer.from(`${world.writeKey}:`).toString('base64')}`;
    const apiAuth = `Bearer ${world.secretKey}`;

    const send = async (event: Record<string, unknown>): Promise<void> => {
      const r = await fetch(`${base}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: ingestAuth },
        body: JSON.stringify({ batch: [event] }),
      });
      if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
    };
    const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
      const r = await fetch(`${base}${path}`, { headers: { authorization: apiAuth } });
      return { status: r.status, body: (await r.json()) as T };
    };

    /** Has the derive step made the person and their session readable yet? */
    const derived = async (email: string): Promise<boolean> => {
      const found = await api<{ people?: { personId: string }[] }>(
        `/api/people?email=${encodeURIComponent(email)}`,
      );
      if (found.status !== 200) throw new Error(`people lookup answered ${found.status}`);
      const personId = found.body.people?.[0]?.personId;
      if (personId === undefined) return false;
      const j = await api<Journey>(`/api/people/${encodeURIComponent(personId)}/journey`);
      return j.status === 200 && j.body.timeline.some((item) => item.kind === 'session');
    };

    /** Journey reads of persons the world already holds, picked from its identifies (before any live event). */
    const readJourneys = async (): Promise<{ journeyMs: number[]; journeyItems: number[] }> => {
      const ws = await store.findWorkspaceByWriteKey(world.writeKey);
      if (!ws) throw new Error('no workspace for the write key');
      const identifies = await store.queryEvents(ws.id, { type: 'identify', limit: IDENTIFY_POOL });
      const emails = [
        ...new Set(
          identifies
            .map((e) => (e.traits as { email?: unknown } | null)?.email)
            .filter((e): e is string => typeof e === 'string'),
        ),
      ];
      const step = Math.max(1, Math.floor(emails.length / JOURNEY_PERSONS));
      const persons: string[] = [];
      for (let i = 0; i < emails.length && persons.length < JOURNEY_PERSONS; i += step) {
        const email = normaliseIdentifier({ kind: 'email', value: emails[i]! }).identifier?.value;
        const [personId] =
          email === undefined ? [] : await store.personsByIdentifier(ws.id, 'email', email);
        if (personId !== undefined) persons.push(personId);
      }
      if (persons.length === 0) throw new Error('no person with an email to read the journey of');
      const read = async (personId: string): Promise<number> => {
        const j = await api<Journey>(`/api/people/${encodeURIComponent(personId)}/journey`);
        if (j.status !== 200) throw new Error(`journey of ${personId} answered ${j.status}`);
        return j.body.timeline.length;
      };
      await read(persons.at(-1)!); // unmeasured: warms the HTTP path
      const journeyMs: number[] = [];
      const journeyItems: number[] = [];
      for (const personId of persons) {
        const t = performance.now();
        journeyItems.push(await read(personId));
        journeyMs.push(performance.now() - t);
      }
      return { journeyMs, journeyItems };
    };

    const once = async (): Promise<number> => {
      const tag = randomUUID();
      // a plain id, like the world's: a prefix sorting after every real id would let DuckDB's per-row-group
      // min/max skip nearly all data in scoped queries, and flatter the measurement
      const anonymousId = randomUUID();
      const email = `live-${tag}@bench.example`;
      const now = Date.now();
      const t0 = performance.now();
      await send({
        type: 'page',
        messageId: `${tag}-page`,
        anonymousId,
        timestamp: new Date(now).toISOString(),
        context: {
          page: {
            url: 'https://acme.example/?utm_source=google&utm_medium=cpc&gclid=bench',
            referrer: 'https://www.google.com/',
          },
        },
      });
      await send({
        type: 'identify',
        messageId: `${tag}-identify`,
        anonymousId,
        timestamp: new Date(now + 1000).toISOString(),
        traits: { email },
      });
      for (;;) {
        if (await derived(email)) return performance.now() - t0;
        if (performance.now() - t0 > GIVE_UP_MS)
          throw new Error(`person ${email} not derived after ${GIVE_UP_MS} ms`);
        await sleep(POLL_MS);
      }
    };

    const journeys = await readJourneys();
    // one unmeasured round warms the store's caches and the HTTP path
    await once();
    await app.ingest.settle();
    const latencyMs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      latencyMs.push(await once());
      // each repeat starts from an idle deriver, so it measures one event's path alone
      await app.ingest.settle();
    }

    const healthzMs: number[] = [];
    for (let i = 0; i < HEALTHZ_ROUNDS + 5; i++) {
      const t = performance.now();
      const r = await fetch(`${base}/healthz`);
      await r.arrayBuffer();
      if (i >= 5) healthzMs.push(performance.now() - t);
    }
    return { latencyMs, healthzMs, ...journeys };
  } finally {
    await app.close();
    await store.close();
  }
}
