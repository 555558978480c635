// Times each store call of one deriveAffected (a page + an identify: a new visitor, or with --returning a
// known one) on a simulated world, per engine; on ClickHouse also each SQL statement; medians, then the
// whole call's p50 and p95. Run by hand:
//   npx tsx bench/support/derive-live-steps.ts <dataDir> <days> <visitorsPerDay> <repeats> [--store URL]
//     [--returning] [--verbose]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { simulate } from '../../src/sim/index.js';
import { deriveAffected, rebuild } from '../../src/derive/derive.js';
import { openStore } from '../../src/store/open.js';
import { storeParts } from '../../src/store/join.js';
import type { Store } from '../../src/store/store.js';
import { chStoreOf } from '../../src/store/engines/clickhouse/clickhouse-store.js';
import { createWorkspace } from '../../src/workspaces/create.js';
import { percentile } from './derive-live.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    store: { type: 'string' },
    verbose: { type: 'boolean' },
    // a known visitor of the world returns (their rows are replaced) instead of a new one arriving
    returning: { type: 'boolean' },
  },
});
const [dir, days, visitors, repeatsArg] = positionals;
const storeUrl = values.store;
const repeats = Number(repeatsArg ?? 3);

const times = new Map<string, number[]>();
let current: Map<string, number> | undefined;
const note = (name: string, ms: number): void => {
  if (current) current.set(name, (current.get(name) ?? 0) + ms);
};

/** The store with each method timed while `current` is set. */
function timed(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return (await (v as (...a: unknown[]) => Promise<unknown>)(...args)) as unknown;
        } finally {
          note(`store.${prop}`, performance.now() - t);
        }
      };
    },
  });
}

function timeSql(store: Store): void {
  const data = storeParts(store)?.data;
  const s = data && chStoreOf(data);
  if (!s) return;
  const conn = s.conn as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const m of ['query', 'command', 'insert']) {
    const orig = conn[m]!.bind(conn);
    conn[m] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await orig(...args);
      } finally {
        const text = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
        const key = `  sql ${m}: ${text.replace(/\s+/g, ' ').slice(0, 110)}`;
        note(key, performance.now() - t);
      }
    };
  }
}

const sim = await simulate(
  { seed: 1, days: Number(days), visitorsPerDay: Number(visitors), end: '2026-10-31' },
  { outDir: dir! },
);
const file = join(dir!, 'events.ndjson');
for (const f of sim.files) if (f !== file) rmSync(f, { force: true });
const raw = await openStore(dir!, { store: storeUrl });
timeSql(raw);
const store = timed(raw);
const { workspace } = await createWorkspace(raw, { name: 'w', currency: 'USD', timezone: 'UTC' });
let t = performance.now();
const r = await raw.importEventsFile(workspace.id, file);
console.log(`import ${r.inserted} events ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
await rebuild(raw, workspace.id);
console.log(`rebuild ${(performance.now() - t).toFixed(0)} ms`);

const known = values.returning
  ? [...new Set((await raw.listSessions(workspace.id, { limit: 1000 })).map((x) => x.anonymousId))]
  : [];
for (let i = 0; i <= repeats; i++) {
  const tag = randomUUID();
  const anonymousId = values.returning ? known[i * 7]! : randomUUID();
  const now = Date.now();
  await raw.appendEvents(
    workspace.id,
    [
      {
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
      },
      {
        type: 'identify',
        messageId: `${tag}-identify`,
        anonymousId,
        timestamp: new Date(now + 1000).toISOString(),
        traits: { email: `live-${tag}@bench.example` },
      },
    ] as never,
    { origin: 'api', receivedAt: new Date() },
  );
  current = new Map();
  t = performance.now();
  await deriveAffected(
    store,
    workspace.id,
    { anonymousIds: [anonymousId], userIds: [] },
    undefined,
    {
      dataDriven: false,
    },
  );
  const total = performance.now() - t;
  if (i === 0) continue; // warm-up
  current.set('TOTAL deriveAffected', total);
  for (const [k, ms] of current) times.set(k, [...(times.get(k) ?? []), ms]);
  current = undefined;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = [...times].map(([k, xs]) => [k, median(xs)] as const);
for (const [k, ms] of rows) {
  if (!values.verbose && k.startsWith('  sql') && ms < 5) continue;
  console.log(`${ms.toFixed(1).padStart(9)} ms  ${k}`);
}
const totals = times.get('TOTAL deriveAffected') ?? [];
console.log(
  `deriveAffected over ${totals.length} repeats: p50 ${percentile(totals, 50).toFixed(1)} ms, p95 ${percentile(totals, 95).toFixed(1)} ms, max ${Math.max(...totals).toFixed(1)} ms`,
);
await raw.close();
