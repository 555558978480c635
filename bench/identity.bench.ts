/**
 * Identity benchmark: ~3M identifiers and ~5M links (devices, emails, user ids, phones, CRM records,
 * repeated identifies and shared office machines) fed through IdentityGraph, resolved, then resolved again
 * against the first assignment with a few thousand new links (the merge/split report). Data comes from a
 * seeded PRNG, so runs are comparable. Run alone: `npx tsx bench/identity.bench.ts` (prints JSON).
 */
import { IdentityGraph } from '../src/derive/identity/graph.js';
import type { Resolution } from '../src/derive/identity/types.js';

export type BenchResult = { name: string; value: number; unit: string; note?: string };

const PEOPLE = 700_000;
const SHARED_DEVICES = 5_000;
const T0 = Date.UTC(2025, 0, 1);

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds the synthetic facts; `extra` adds late identifies that join pairs of people (merges). */
function feed(graph: IdentityGraph, extra: number): void {
  const rand = prng(42);
  for (let p = 0; p < PEOPLE; p++) {
    const at = T0 + Math.floor(rand() * 300 * 86_400_000);
    // Every tenth address arrives in another spelling, as CRMs and forms do.
    const email = p % 10 === 0 ? ` Person${p}@Example.COM` : `person${p}@example.com`;
    const devices = 1 + Math.floor(rand() * 4);
    for (let d = 0; d < devices; d++) {
      graph.addLink(
        'anonymous_id',
        `a${p}-${d}`,
        'email',
        email,
        at + d,
        d === 0 ? 'form' : 'identify',
      );
      // Repeated identifies of the same pair: duplicate links are normal and must cost little.
      const repeats = Math.floor(rand() * 3.5);
      for (let r = 1; r <= repeats; r++)
        graph.addLink(
          'anonymous_id',
          `a${p}-${d}`,
          'email',
          email,
          at + d + r * 60_000,
          'identify',
        );
    }
    if (rand() < 0.5) {
      graph.addLink('user_id', `u${p}`, 'email', email, at, 'identify');
      graph.addLink('anonymous_id', `a${p}-0`, 'user_id', `u${p}`, at, 'identify');
    }
    if (rand() < 0.2)
      graph.addLink('phone', `+1415${String(1_000_000 + p).slice(1)}`, 'email', email, at, 'call');
    if (rand() < 0.3) graph.addLink('crm_id', `003${p}`, 'email', email, at, 'crm');
  }
  for (let s = 0; s < SHARED_DEVICES; s++) {
    for (let k = 0; k < 10; k++)
      graph.addLink(
        'anonymous_id',
        `office-${s}`,
        'email',
        `person${Math.floor(rand() * PEOPLE)}@example.com`,
        T0,
        'form',
      );
  }
  for (let i = 0; i < extra; i++) {
    graph.addLink(
      'anonymous_id',
      `a${Math.floor(rand() * PEOPLE)}-0`,
      'user_id',
      `u${Math.floor(rand() * PEOPLE)}`,
      T0 + 400 * 86_400_000,
      'identify',
    );
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;

  let t = performance.now();
  const graph = new IdentityGraph();
  feed(graph, 0);
  const ingestMs = performance.now() - t;
  t = performance.now();
  const first = graph.resolve();
  const resolveMs = performance.now() - t;
  results.push({ name: 'identity.identifiers', value: first.identifiers, unit: 'identifiers' });
  results.push({ name: 'identity.links', value: graph.linkCount, unit: 'links' });
  results.push({
    name: 'identity.persons',
    value: first.persons,
    unit: 'persons',
    note: `${first.quarantined.length} quarantined identifiers`,
  });
  results.push({
    name: 'identity.ingest_ms',
    value: Math.round(ingestMs),
    unit: 'ms',
    note: 'addLink: normalise + intern every link end',
  });
  results.push({
    name: 'identity.resolve_ms',
    value: Math.round(resolveMs),
    unit: 'ms',
    note: 'quarantine + union-find + person ids + output columns',
  });
  results.push({
    name: 'identity.heap_after_resolve',
    value: mb(process.memoryUsage().heapUsed - heapBefore),
    unit: 'MB',
    note: 'graph + resolution retained',
  });

  // A second build with 5,000 late identifies, reported against the first assignment.
  const again = new IdentityGraph();
  feed(again, 5_000);
  t = performance.now();
  const second: Resolution = again.resolve({ previous: first.assignments });
  const diffMs = performance.now() - t;
  results.push({
    name: 'identity.resolve_with_previous_ms',
    value: Math.round(diffMs),
    unit: 'ms',
    note: `resolve + diff against the first assignment; ${second.merges.length} merges, ${second.splits.length} splits`,
  });
  results.push({
    name: 'identity.peak_rss',
    value: Math.round(process.resourceUsage().maxRSS / 1024),
    unit: 'MB',
    note: 'whole benchmark process (two graphs alive)',
  });
  return results;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
