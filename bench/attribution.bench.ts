/**
 * Attribution benchmark: every rule-based model over 1M conversions and ~10M touches, Markov order 1
 * and simplified Shapley over 1M distinct paths, and peak memory. Data comes from a seeded PRNG, so
 * runs are comparable. Run alone: `npx tsx bench/attribution.bench.ts` (prints JSON).
 */
import { creditBatch } from '../src/attribution/attribute-journeys.js';
import { encodePaths, type EncodedPaths } from '../src/attribution/encoded-paths.js';
import { prepareBatch, type JourneyBatch } from '../src/attribution/journey-batch.js';
import { markov } from '../src/attribution/models/markov.js';
import { shapleySimplified } from '../src/attribution/models/shapley-simplified.js';
import { shapley } from '../src/attribution/models/shapley.js';
import { SequenceInterner } from '../src/attribution/sequence-interner.js';
import {
  RULE_MODEL_NAMES,
  type PathSummaryRow,
  type RuleModelOptions,
} from '../src/attribution/types.js';

export type BenchResult = { name: string; value: number; unit: string; note?: string };

const DAY = 86_400_000;
const JOURNEYS = 1_000_000;
const DISTINCT_PATHS = 1_000_000;

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

const CHANNELS = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Paid Social',
  'Organic Social',
  'Email',
  'Referral',
  'Display',
  'Affiliates',
  'Video',
  'SMS',
  'Cross-network',
];

/** 1M journeys with 1..19 touches each (≈10M), spread over ~100 days so the 90-day window bites. */
function journeyBatch(seed: number): JourneyBatch {
  const rand = prng(seed);
  const lengths = new Int32Array(JOURNEYS);
  let total = 0;
  for (let j = 0; j < JOURNEYS; j++) {
    lengths[j] = 1 + Math.floor(rand() * 19);
    total += lengths[j]!;
  }
  const touchChannel = new Int32Array(total);
  const touchAt = new Float64Array(total);
  const offsets = new Int32Array(JOURNEYS + 1);
  const convertedAt = new Float64Array(JOURNEYS);
  const value = new Float64Array(JOURNEYS);
  const leadAt = new Float64Array(JOURNEYS);
  const opportunityAt = new Float64Array(JOURNEYS);
  const wonAt = new Float64Array(JOURNEYS);
  const base = Date.UTC(2026, 0, 1);
  let k = 0;
  for (let j = 0; j < JOURNEYS; j++) {
    const n = lengths[j]!;
    const conv = base + j * 1000;
    convertedAt[j] = conv;
    value[j] = Math.round(rand() * 50_000) / 100;
    offsets[j] = k;
    let t = conv;
    for (let i = n - 1; i >= 0; i--) {
      t -= rand() * 11 * DAY;
      touchAt[k + i] = t;
      touchChannel[k + i] = Math.floor(rand() * rand() * CHANNELS.length); // skewed towards the first channels
    }
    // milestones at random touches (absent for a fifth of the journeys)
    const pick = (): number => (rand() < 0.2 ? NaN : touchAt[k + Math.floor(rand() * n)]!);
    leadAt[j] = pick();
    opportunityAt[j] = Math.max(leadAt[j]!, pick());
    wonAt[j] = Math.max(opportunityAt[j]!, pick());
    k += n;
  }
  offsets[JOURNEYS] = k;
  return {
    channels: CHANNELS,
    touchChannel,
    touchAt,
    offsets,
    convertedAt,
    value,
    leadAt,
    opportunityAt,
    wonAt,
  };
}

/** 1M distinct paths over 20 channels, 1..10 steps, with conversions and nulls. */
function distinctPaths(seed: number): EncodedPaths {
  const rand = prng(seed);
  const channels = Array.from({ length: 20 }, (_, i) => `Channel ${i + 1}`);
  const seen = new SequenceInterner(DISTINCT_PATHS);
  const buf = new Int32Array(10);
  const conversions = new Float64Array(DISTINCT_PATHS);
  const nulls = new Float64Array(DISTINCT_PATHS);
  const value = new Float64Array(DISTINCT_PATHS);
  while (seen.size < DISTINCT_PATHS) {
    const n = 1 + Math.floor(rand() * 10);
    for (let i = 0; i < n; i++) buf[i] = Math.floor(rand() * rand() * channels.length);
    const before = seen.size;
    const id = seen.intern(buf, 0, n);
    if (seen.size === before) continue;
    conversions[id] = Math.floor(rand() * 4);
    nulls[id] = Math.floor(rand() * 20);
    value[id] = (conversions[id]! * Math.round(rand() * 20_000)) / 100;
  }
  const offsets = new Int32Array(DISTINCT_PATHS + 1);
  for (let p = 0; p < DISTINCT_PATHS; p++) offsets[p + 1] = offsets[p]! + seen.length(p);
  const tokens = new Int32Array(offsets[DISTINCT_PATHS]!);
  for (let p = 0; p < DISTINCT_PATHS; p++) tokens.set(seen.sequence(p), offsets[p]!);
  return { channels, tokens, offsets, conversions, nulls, value };
}

function seconds<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const options: RuleModelOptions = {
    custom: {
      weights: { first: 0.3, lead: 0.2, opportunity: 0.2, won: 0.1, middle: 0.2 },
      channelMultipliers: { Direct: 0.5 },
    },
  };

  const batch = journeyBatch(42);
  const touches = batch.touchChannel.length;
  const [prepared, prepareS] = seconds(() => prepareBatch(batch, { lookbackDays: 90 }));
  results.push({
    name: 'attribution.rule.prepare_lookback',
    value: prepareS,
    unit: 's',
    note: `${JOURNEYS} conversions, ${touches} touches → ${prepared.touchChannel.length} in the 90-day window`,
  });
  const [, allS] = seconds(() => creditBatch(prepared, RULE_MODEL_NAMES, options));
  results.push({
    name: 'attribution.rule.all_models',
    value: allS,
    unit: 's',
    note: `all ${RULE_MODEL_NAMES.length} rule-based models in one pass (target ≤ 10 s)`,
  });
  for (const m of RULE_MODEL_NAMES) {
    const [, s] = seconds(() => creditBatch(prepared, [m], options));
    results.push({
      name: `attribution.rule.${m}`,
      value: s,
      unit: 's',
      note: `${JOURNEYS} conversions, ${prepared.touchChannel.length} touches`,
    });
  }

  const paths = distinctPaths(7);
  const [m, markovS] = seconds(() => markov(paths, 1));
  results.push({
    name: 'attribution.markov.order1',
    value: markovS,
    unit: 's',
    note: `${DISTINCT_PATHS} distinct paths, ${paths.tokens.length} steps, ${m.stateCount} states (target ≤ 5 s)`,
  });
  const [, simplifiedS] = seconds(() => shapleySimplified(paths));
  results.push({
    name: 'attribution.shapley_simplified',
    value: simplifiedS,
    unit: 's',
    note: `${DISTINCT_PATHS} distinct paths (target ≤ 5 s)`,
  });
  const [, shapleyS] = seconds(() => shapley(paths, 'rate'));
  results.push({
    name: 'attribution.shapley_exact',
    value: shapleyS,
    unit: 's',
    note: `${DISTINCT_PATHS} distinct paths, 20 channels`,
  });
  const [, markov2S] = seconds(() => markov(paths, 2));
  results.push({
    name: 'attribution.markov.order2',
    value: markov2S,
    unit: 's',
    note: `${DISTINCT_PATHS} distinct paths`,
  });

  // Encoding from string rows (what path-summary files go through), on the same paths.
  const rows: PathSummaryRow[] = [];
  for (let p = 0; p < DISTINCT_PATHS; p++) {
    rows.push({
      path: Array.from(
        paths.tokens.subarray(paths.offsets[p]!, paths.offsets[p + 1]!),
        (c) => paths.channels[c]!,
      ),
      conversions: paths.conversions[p]!,
      nulls: paths.nulls[p]!,
      value: paths.value[p]!,
    });
  }
  const [, encodeS] = seconds(() => encodePaths(rows));
  results.push({
    name: 'attribution.encode_paths',
    value: encodeS,
    unit: 's',
    note: `${DISTINCT_PATHS} string rows → columnar paths`,
  });

  results.push({
    name: 'attribution.peak_rss',
    value: Math.round(process.resourceUsage().maxRSS / 1024),
    unit: 'MB',
    note: 'whole benchmark process',
  });
  return results;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
