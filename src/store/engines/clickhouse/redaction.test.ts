// The stored-facts redaction on ClickHouse against DuckDB: the same journal segment loaded into both
// engines and redacted by the product's redaction function gives the same stored events afterwards
// (properties, context and the projected columns), the same run counts and the same runs list; an import
// batch's run touches that batch only, an event with nothing to redact keeps its stored text, and a
// second run changes nothing. A generated sample (more than one chunk) checks the candidate query
// selects the same events on both engines and never misses one the redaction changes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRedaction, hintWords } from '../../../collect/redaction-rules.js';
import { storedEventRedactor } from '../../../derive/redact-stored.js';
import { addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines, type BothEngines } from '../../../test-helpers/clickhouse.js';
import { segmentBytes } from '../../../test-helpers/poison.js';
import type { RedactableEvent, RedactionRun } from '../../areas/redaction.js';
import type { RawEvent } from '../../types.js';
import { queryNeutral as duckQuery } from '../duckdb/dialect.js';
import { fn, sql } from '../neutral/sql.js';
import { queryNeutral as chQuery } from './dialect.js';
import { loadEventJournal } from './events.js';
import { redactionRuns, redactStoredEvents } from './redaction.js';

const W = 'ws_redact';
const V = 'ws_redact_other';
const RULES = { extraNames: ['nonce', 'shopKey'], identifyParam: 'cl_email' };
const HINT = { hint: hintWords(RULES), extraNames: RULES.extraNames };

/** A journal line of an event in workspace `ws` and import batch `batch`, its time already decided. */
function line(ws: string, batch: string, e: RawEvent & { timestamp: string }): Buffer {
  const meta = {
    _ws: ws,
    _recv: '2026-03-02T00:00:00.000Z',
    _origin: 'import',
    _batch: batch,
    _ts: e.timestamp.replace('Z', '000Z'),
  };
  return Buffer.from(JSON.stringify({ ...e, ...meta }));
}

const t = (m: number) => new Date(Date.UTC(2026, 2, 1, 9, m)).toISOString();
const LANDING =
  'https://shop.test/?email=leak%40example.com&token=tok123&utm_source=x&utm_medium=email&gclid=G-1';
const THANKS = 'https://shop.test/thanks?password=Hunter2&card_number=4111111111111111&nonce=n1';

const BATCH_A: RawEvent[] = [
  {
    type: 'page',
    messageId: 'a1',
    anonymousId: 'an1',
    timestamp: t(0),
    context: {
      page: { url: LANDING, search: LANDING.slice(LANDING.indexOf('?')), referrer: THANKS },
      campaign: { source: 'x', medium: 'email' },
      userAgent: 'Mozilla/5.0',
      location: { country: 'GB' },
    },
    properties: { url: LANDING },
  },
  {
    type: 'track',
    messageId: 'a2',
    anonymousId: 'an1',
    timestamp: t(1),
    event: 'form_submitted',
    context: { page: { url: THANKS } },
    properties: { email: 'form@example.com', fields: { email: 'form@example.com' } },
  },
  {
    type: 'identify',
    messageId: 'a3',
    anonymousId: 'an1',
    userId: 'u1',
    timestamp: t(2),
    traits: { email: 'form@example.com' },
    context: { page: { url: THANKS } },
  },
  // a candidate (an `@`) with nothing to redact
  {
    type: 'page',
    messageId: 'a4',
    anonymousId: 'an2',
    timestamp: t(3),
    context: {
      page: { url: 'https://shop.test/u/@ann?utm_source=y', referrer: 'https://b.test/' },
    },
  },
  // not even a candidate
  {
    type: 'page',
    messageId: 'a5',
    anonymousId: 'an2',
    timestamp: t(4),
    context: { page: { url: 'https://shop.test/?utm_source=google&gclid=Clean-1' } },
    properties: { title: 'Home' },
  },
  // no anonymous id (the sort key's Nullable column)
  {
    type: 'track',
    messageId: 'a6',
    userId: 'u2',
    timestamp: t(5),
    event: 'x',
    context: { referrer: { url: 'https://b.test/?q=1;shopKey=abc' } },
    properties: { path: '/p?session_id=s1&keyword=crm' },
  },
];

const BATCH_B: RawEvent[] = [
  {
    type: 'page',
    messageId: 'b1',
    anonymousId: 'an3',
    timestamp: t(6),
    context: {
      page: {
        url: 'https://shop.test/offer?utm_source=news&cl_email=camp%40example.com#access_token=T9',
      },
    },
  },
  {
    type: 'page',
    messageId: 'b2',
    anonymousId: 'an3',
    timestamp: t(7),
    context: { page: { url: 'https://shop.test/?apiKey=k1&x=1', referrer: LANDING } },
    properties: { search: '?nonce=n2' },
  },
  {
    type: 'page',
    messageId: 'b3',
    anonymousId: 'an4',
    timestamp: t(8),
    context: { page: { url: 'https://shop.test/pricing?utm_source=bing' } },
  },
];

const OTHER: RawEvent[] = [
  {
    type: 'page',
    messageId: 'v1',
    anonymousId: 'vn1',
    timestamp: t(9),
    context: { page: { url: LANDING } },
  },
];

type Timed = RawEvent & { timestamp: string };
const lines = (ws: string, batch: string, events: RawEvent[]) =>
  events.map((e) => line(ws, batch, e as Timed));

/** Loads one segment into both engines. */
async function loadBoth(e: BothEngines, name: string, segment: Buffer[]): Promise<void> {
  const path = join(e.dir, name);
  writeFileSync(path, segmentBytes(segment));
  const d = await e.duck.loadEventJournal(path);
  const c = await loadEventJournal(e.ch, path);
  assert.equal(c.inserted, d.inserted);
  assert.equal(d.deadLetters, 0);
}

/** Every stored event of the two workspaces: the JSON parsed, and its stored text kept beside it. */
const SNAPSHOT = sql`SELECT workspace_id, message_id, batch_id, page_url, page_referrer,
    ${fn.jsonAsText('campaign')} AS campaign, user_agent, country, email, phone,
    ${fn.jsonAsText('properties')} AS properties, ${fn.jsonAsText('context')} AS context,
    ${fn.jsonAsText('traits')} AS traits
  FROM ${fn.table('events')} ORDER BY workspace_id, message_id`;

type Row = Record<string, unknown>;
const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const parsed = (rows: Row[]) =>
  rows.map((r) => ({
    ...r,
    campaign: parse(r.campaign),
    properties: parse(r.properties),
    context: parse(r.context),
    traits: parse(r.traits),
  }));

async function snapshots(e: BothEngines): Promise<{ duck: Row[]; ch: Row[] }> {
  return {
    duck: await duckQuery(e.duckDb, SNAPSHOT),
    ch: await chQuery(e.ch.conn, e.ch.database, SNAPSHOT),
  };
}

/** Runs the same redaction on both engines; the identifies each handed out, and both runs. */
async function redactBoth(e: BothEngines, ws: string, batchId?: string) {
  const compiled = compileRedaction(RULES);
  const seen = { duck: [] as string[], ch: [] as string[] };
  const identifies = { duck: [] as RawEvent[], ch: [] as RawEvent[] };
  const opts = { ...HINT, ...(batchId ? { batchId } : {}) };
  const on = (k: 'duck' | 'ch') => {
    const redact = storedEventRedactor(compiled, (i) => identifies[k].push(i));
    return (ev: RedactableEvent) => {
      seen[k].push(ev.messageId);
      return redact(ev);
    };
  };
  const duck = await e.duck.redactStoredEvents(ws, opts, on('duck'));
  const ch = await redactStoredEvents(e.ch, ws, opts, on('ch'));
  assert.deepEqual(seen.ch.sort(), seen.duck.sort(), 'the same candidates');
  assert.deepEqual(identifies.ch, identifies.duck, 'the same identifies');
  assert.deepEqual(masked(ch), masked(duck), 'the same run');
  return { duck, ch, seen: seen.ch, identifies: identifies.ch };
}

/** A run without what each engine makes up (its id and time), which must still be well formed. */
const masked = (r: RedactionRun) => {
  assert.match(r.id, /^[0-9a-f-]{36}$/);
  assert.match(r.ranAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return { ...r, id: 'id', ranAt: 'at' };
};

const byId = (rows: Row[]) => new Map(rows.map((r): [string, Row] => [String(r.message_id), r]));

test(
  'stored-facts redaction on ClickHouse: the same events, runs and audit as on DuckDB, batch by batch',
  { timeout: 180_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        await addWorkspace(e.duck, V);
        await loadBoth(e, 'seg-1.ndjson', [
          ...lines(W, 'import-a', BATCH_A),
          ...lines(W, 'import-b', BATCH_B),
          ...lines(V, 'import-v', OTHER),
        ]);
        const start = await snapshots(e);
        assert.equal(start.ch.length, 10);
        assert.deepEqual(parsed(start.ch), parsed(start.duck));

        // one import batch: only its events change
        const b = await redactBoth(e, W, 'import-b');
        assert.deepEqual(b.seen.sort(), ['b1', 'b2']);
        assert.deepEqual(
          [b.ch.scope, b.ch.rowsExamined, b.ch.rowsChanged, b.ch.redactedNames],
          [
            'import:import-b',
            2,
            2,
            ['access_token', 'apikey', 'cl_email', 'email', 'nonce', 'token'],
          ],
        );
        assert.deepEqual(
          b.identifies.map((i) => [i.messageId, i.traits]),
          [['b1:identify', { email: 'camp@example.com' }]],
        );
        const afterB = await snapshots(e);
        assert.deepEqual(parsed(afterB.ch), parsed(afterB.duck));
        for (const [engine, rows] of Object.entries(afterB)) {
          const was = byId(start[engine as 'ch' | 'duck']);
          for (const r of rows)
            if (r.batch_id !== 'import-b' || r.message_id === 'b3')
              assert.deepEqual(r, was.get(String(r.message_id)), `${engine}: untouched`);
        }
        const b1 = byId(parsed(afterB.ch)).get('b1')!;
        assert.equal(
          b1.page_url,
          'https://shop.test/offer?utm_source=news#access_token=[redacted]',
        );
        assert.deepEqual((b1.context as { redacted: string[] }).redacted, [
          'access_token',
          'cl_email',
        ]);
        const b2 = byId(parsed(afterB.ch)).get('b2')!;
        assert.equal(
          b2.page_referrer,
          'https://shop.test/?email=[email]&token=[redacted]&utm_source=x&utm_medium=email&gclid=G-1',
        );

        // the whole workspace: the other workspace is untouched, the projected columns follow the context
        const all = await redactBoth(e, W);
        assert.deepEqual(all.seen.sort(), ['a1', 'a2', 'a3', 'a4', 'a6', 'b1', 'b2']);
        assert.deepEqual([all.ch.rowsExamined, all.ch.rowsChanged], [7, 4]);
        const afterAll = await snapshots(e);
        assert.deepEqual(parsed(afterAll.ch), parsed(afterAll.duck));
        for (const [engine, rows] of Object.entries(afterAll)) {
          const was = byId(afterB[engine as 'ch' | 'duck']);
          for (const id of ['a4', 'a5', 'b1', 'b2', 'b3', 'v1'])
            assert.deepEqual(byId(rows).get(id), was.get(id), `${engine}: ${id} untouched`);
        }
        const a = byId(parsed(afterAll.ch));
        for (const r of a.values()) {
          const ctx = r.context as { page?: { url?: string; referrer?: string } } | null;
          assert.equal(r.page_url, ctx?.page?.url ?? null, `${String(r.message_id)}: page_url`);
          assert.equal(r.page_referrer, ctx?.page?.referrer ?? null);
        }
        assert.equal(
          a.get('a1')!.page_url,
          'https://shop.test/?email=[email]&token=[redacted]&utm_source=x&utm_medium=email&gclid=G-1',
        );
        assert.deepEqual(a.get('a1')!.campaign, { source: 'x', medium: 'email' });
        assert.equal(a.get('a2')!.email, 'form@example.com');
        assert.deepEqual(a.get('a6')!.properties, { path: '/p?session_id=[redacted]&keyword=crm' });
        assert.match(String(a.get('v1')!.page_url), /token=tok123/);

        // a second run changes nothing
        const again = await redactBoth(e, W);
        assert.deepEqual([again.ch.rowsExamined, again.ch.rowsChanged], [7, 0]);
        assert.deepEqual(again.ch.redactedNames, []);
        const afterAgain = await snapshots(e);
        assert.deepEqual(afterAgain, afterAll);

        // the runs list, in order, alike on both (ids and times are each engine's own)
        const runs = { ch: await redactionRuns(e.ch, W), duck: await e.duck.redactionRuns(W) };
        assert.deepEqual(runs.ch.map(masked), runs.duck.map(masked));
        assert.deepEqual(
          runs.ch.map((r) => r.id),
          [b.ch.id, all.ch.id, again.ch.id],
        );
        assert.deepEqual(
          runs.ch.map((r) => [r.scope, r.rowsExamined, r.rowsChanged]),
          [
            ['import:import-b', 2, 2],
            ['workspace', 7, 4],
            ['workspace', 7, 0],
          ],
        );
        assert.deepEqual(await redactionRuns(e.ch, V), []);
      },
      { workspaceId: W },
    );
  },
);

// Parameter names made of hint words, near-misses and other words, in any case, joined as names are.
const name = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'password',
        'token',
        'email',
        'nonce',
        'shop',
        'key',
        'cl_email',
        'keyword',
        'spinner',
        'api',
        'utm_term',
        'gclid',
        'x',
      ),
      fc.boolean(),
      fc.constantFrom('', '_', '-', '.', '[', ']', '%20'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) =>
    parts.map(([w, up, sep]) => (up ? w[0]!.toUpperCase() + w.slice(1) : w) + sep).join(''),
  );

const generated = fc
  .tuple(name, fc.constantFrom('url', 'search', 'referrer', 'plain'), fc.boolean())
  .map(([n, where, at]): RawEvent => {
    const v = `${n}=v${at ? '%40x' : '1'}`;
    if (where === 'url')
      return { type: 'page', context: { page: { url: `https://a.test/?${v}` } } };
    if (where === 'search') return { type: 'page', properties: { search: `?a=1&${v}` } };
    if (where === 'referrer')
      return { type: 'track', event: 'x', context: { referrer: { url: `https://b.test/#${v}` } } };
    return { type: 'track', event: 'x', properties: { note: v } };
  });

test(
  'the candidates are the same on both engines over more than a chunk, and include every event the redaction changes',
  { timeout: 300_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        const events = fc
          .sample(generated, { numRuns: 6000, seed: 20261206 })
          .map((ev, i): RawEvent => ({
            ...ev,
            messageId: `g${i}`,
            anonymousId: `an${i % 97}`,
            timestamp: t(i % 600),
          }));
        await loadBoth(e, 'seg-gen.ndjson', lines(W, 'import-g', events));
        const compiled = compileRedaction(RULES);
        const redact = storedEventRedactor(compiled, () => {});
        const changes = events.filter(
          (ev) =>
            redact({
              messageId: String(ev.messageId),
              type: String(ev.type),
              anonymousId: String(ev.anonymousId),
              userId: null,
              timestamp: String(ev.timestamp),
              properties: (ev.properties as Record<string, unknown> | undefined) ?? null,
              context: (ev.context as Record<string, unknown> | undefined) ?? null,
            }) !== undefined,
        );
        assert.ok(changes.length > 2000, `only ${changes.length} events change`);
        const run = await redactBoth(e, W);
        assert.ok(run.ch.rowsExamined > 2000 && run.ch.rowsExamined < events.length);
        const candidates = new Set(run.seen);
        assert.deepEqual(
          changes.filter((c) => !candidates.has(String(c.messageId))).map((c) => JSON.stringify(c)),
          [],
        );
        assert.equal(run.ch.rowsChanged, changes.length);
        const after = await snapshots(e);
        assert.deepEqual(parsed(after.ch), parsed(after.duck));
        const again = await redactBoth(e, W);
        assert.equal(again.ch.rowsChanged, 0);
      },
      { workspaceId: W },
    );
  },
);
