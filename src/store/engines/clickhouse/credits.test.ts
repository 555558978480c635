// The credit reads on ClickHouse against DuckDB: the same derived rows in both engines give the same
// report for every grouping and range, the same fits, person credits and out-of-step persons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { CREDIT_DIMENSIONS, type CreditQuery } from '../../areas/credits.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import {
  attributionFits,
  attributionInputs,
  creditReport,
  creditsOutOfStep,
  nonConvertingTouches,
  personCredits,
  replaceCredits,
} from './credits.js';

const WS = 'ws_credits';
const SESSION_DEFAULTS = {
  workspace_id: WS,
  ended_at: '2024-03-01T00:00:00Z',
  referrer: null,
  term: null,
  content: null,
  campaign_id: null,
  click_ids: '{}',
  ad_ids: null,
  channel_rule: 'r',
  decided_by: 'rule',
  page_views: 1,
  event_count: 1,
  user_agent: null,
  first_message_id: 'm',
};
const SESSIONS = [
  {
    session_id: 's1',
    anonymous_id: 'a1',
    started_at: '2024-03-01T00:00:00Z',
    landing_url: 'https://x.test/a?utm_source=g#top',
    source: 'google',
    medium: 'cpc',
    campaign: 'brand',
    channel: 'Paid Search',
    platform: 'google',
    country: 'GB',
  },
  {
    session_id: 's2',
    anonymous_id: 'a1',
    started_at: '2024-03-02T00:00:00Z',
    landing_url: 'https://x.test/b',
    source: '(direct)',
    medium: '(none)',
    campaign: null,
    channel: 'Direct',
    platform: '(none)',
    country: 'GB',
  },
  {
    session_id: 's3',
    anonymous_id: 'a2',
    started_at: '2024-03-03T00:00:00Z',
    landing_url: 'https://x.test/a',
    source: 'news',
    medium: 'email',
    campaign: "spring's",
    channel: 'Email',
    platform: '(none)',
    country: null,
  },
].map((s) => ({ ...SESSION_DEFAULTS, ...s }));
const credit = (
  model: string,
  person: string,
  conv: string,
  touch: string | null,
  touched: string | null,
  channel: string,
  weight: number,
  value = 0,
) => ({
  workspace_id: WS,
  model,
  milestone: 'lead',
  person_id: person,
  converted_at: conv,
  touch_id: touch,
  touched_at: touched,
  channel,
  weight,
  conversions: weight,
  value: value * weight,
});
const CREDITS = [
  credit(
    'linear',
    'p1',
    '2024-03-02T01:00:00Z',
    's1',
    '2024-03-01T00:00:00Z',
    'Paid Search',
    0.5,
    100,
  ),
  credit('linear', 'p1', '2024-03-02T01:00:00Z', 's2', '2024-03-02T00:00:00Z', 'Direct', 0.5, 100),
  credit('linear', 'p2', '2024-03-04T00:00:00Z', 's3', '2024-03-03T00:00:00Z', 'Email', 1),
  credit('linear', 'p3', '2024-03-05T00:00:00Z', null, null, '(no touchpoint)', 1),
  credit(
    'last_touch',
    'p1',
    '2024-03-02T01:00:00Z',
    's2',
    '2024-03-02T00:00:00Z',
    'Direct',
    1,
    100,
  ),
  credit('linear', 'p4', '2024-03-06T00:00:00Z', 's3', '2024-03-03T00:00:00Z', 'Email', 1),
];
const MILESTONES = ['p1', 'p2', 'p3', 'p5'].map((p, i) => ({
  workspace_id: WS,
  person_id: p,
  milestone: 'lead',
  reached_at: `2024-03-0${i + 2}T00:00:00Z`,
  source: 'form',
  message_id: null,
  value: null,
}));
const FITS = [
  { workspace_id: WS, model: 'markov', milestone: 'lead', channel: 'Email', score: 0.25 },
  { workspace_id: WS, model: 'markov', milestone: 'lead', channel: 'Paid Search', score: 0.75 },
];

async function insertDuck(
  db: NonNullable<ReturnType<typeof duckDbOf>>,
  table: string,
  rows: Record<string, unknown>[],
) {
  const cols = Object.keys(rows[0]!);
  const lit = (v: unknown) =>
    v === null
      ? 'NULL'
      : typeof v === 'number'
        ? String(v)
        : `'${String(v).replaceAll("'", "''")}'`;
  await db.write((c) =>
    c.run(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${rows.map((r) => `(${cols.map((k) => lit(r[k])).join(', ')})`).join(', ')}`,
    ),
  );
}

test(
  'credit reads give the same answers on ClickHouse and DuckDB',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(async ({ duck, duckDb, ch }) => {
      const db = duckDb;
      for (const [table, rows] of [
        ['sessions', SESSIONS],
        ['attribution_credits', CREDITS],
        ['milestones', MILESTONES],
        ['attribution_fits', FITS],
      ] as const) {
        await insertDuck(db, table, rows);
        await ch.conn.insert(`${ch.database}.${table}`, rows);
      }
      const s = { conn: ch.conn, database: ch.database };
      const queries: CreditQuery[] = [
        { model: 'linear', milestone: 'lead', groupBy: [] },
        ...CREDIT_DIMENSIONS.map((d) => ({ model: 'linear', milestone: 'lead', groupBy: [d] })),
        { model: 'linear', milestone: 'lead', groupBy: ['channel', 'campaign', 'landing_page'] },
        {
          model: 'linear',
          milestone: 'lead',
          groupBy: ['channel'],
          from: Date.parse('2024-03-03T00:00:00Z'),
          to: Date.parse('2024-03-06T00:00:00Z'),
        },
        { model: 'last_touch', milestone: 'lead', groupBy: ['source'] },
      ];
      for (const q of queries) {
        const fromCh = await creditReport(s, WS, q);
        assert.deepEqual(fromCh, await duck.creditReport(WS, q), JSON.stringify(q));
        assert.ok(fromCh.length > 0, JSON.stringify(q));
      }
      const byLanding = await creditReport(s, WS, {
        model: 'linear',
        milestone: 'lead',
        groupBy: ['landing_page'],
      });
      assert.deepEqual(
        byLanding.map((g) => [g.key.landing_page, g.conversions, g.touchedConversions]),
        [
          ['https://x.test/a', 2.5, 3],
          ['(no touchpoint)', 1, 1],
          ['https://x.test/b', 0.5, 1],
        ],
      );
      assert.deepEqual(
        await attributionFits(s, WS, 'lead'),
        await duck.attributionFits(WS, 'lead'),
      );
      assert.deepEqual(await personCredits(s, WS, 'p1'), await duck.personCredits(WS, 'p1'));
      assert.equal((await personCredits(s, WS, 'p1')).length, 3);
      const outOfStep = (await creditsOutOfStep(s, WS, 'lead')).sort();
      assert.deepEqual(outOfStep, ['p4', 'p5']);
      assert.deepEqual(outOfStep, (await duck.creditsOutOfStep(WS, 'lead')).sort());
    });
  },
);

const IDENTITIES = [
  {
    kind: 'anonymous_id',
    value: 'a1',
    person_id: 'p1',
    linked: true,
    from_at: null,
    until_at: null,
  },
  // a2 is a shared device: p2 until March 3rd, p4 after
  {
    kind: 'anonymous_id',
    value: 'a2',
    person_id: 'p2',
    linked: true,
    from_at: null,
    until_at: '2024-03-03T00:00:00Z',
  },
  {
    kind: 'anonymous_id',
    value: 'a2',
    person_id: 'p4',
    linked: true,
    from_at: '2024-03-03T00:00:00Z',
    until_at: null,
  },
  { kind: 'user_id', value: 'u1', person_id: 'p1', linked: true, from_at: null, until_at: null },
].map((r) => ({ workspace_id: WS, ...r }));
const TOUCH_SESSIONS = [
  {
    session_id: 't1',
    anonymous_id: 'a1',
    started_at: '2024-03-01T00:00:00Z',
    page_views: 2,
    channel: 'Paid Search',
  },
  {
    session_id: 't2',
    anonymous_id: 'a1',
    started_at: '2024-03-02T00:00:00Z',
    page_views: 0,
    channel: 'Direct',
  },
  {
    session_id: 't3',
    anonymous_id: 'a2',
    started_at: '2024-03-02T12:00:00Z',
    page_views: 1,
    channel: 'Email',
  },
  {
    session_id: 't4',
    anonymous_id: 'a2',
    started_at: '2024-03-04T00:00:00Z',
    page_views: 1,
    channel: 'Organic Search',
  },
].map((x) => ({ ...SESSIONS[0]!, ...x }));
const CONVERSIONS = [
  { person_id: 'p1', milestone: 'lead', reached_at: '2024-03-02T01:00:00Z', value: null },
  { person_id: 'p1', milestone: 'customer', reached_at: '2024-03-09T00:00:00Z', value: 500 },
  { person_id: 'p2', milestone: 'lead', reached_at: '2024-03-02T13:00:00Z', value: null },
].map((m) => ({ workspace_id: WS, source: 'form', message_id: null, ...m }));

test(
  'attribution inputs and credit writes are the same on ClickHouse and DuckDB',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(async ({ duck, duckDb, ch }) => {
      const db = duckDb;
      for (const [table, rows] of [
        ['identities', IDENTITIES],
        ['sessions', TOUCH_SESSIONS],
        ['milestones', CONVERSIONS],
      ] as const) {
        await insertDuck(db, table, rows);
        await ch.conn.insert(`${ch.database}.${table}`, rows);
      }
      const s = { conn: ch.conn, database: ch.database };
      for (const [m, persons, opts] of [
        ['lead', undefined, {}],
        ['lead', ['p1'], {}],
        ['customer', undefined, { convertingOnly: true }],
        ['lead', ['p2', 'p4'], { convertingOnly: true }],
      ] as const) {
        const c = await attributionInputs(s, WS, m, persons, opts);
        assert.deepEqual(
          c,
          await duck.attributionInputs(WS, m, persons, opts),
          JSON.stringify([m, persons, opts]),
        );
      }
      const all = await attributionInputs(s, WS, 'lead');
      // the shared device's sessions go to the person whose span holds them; page-less sessions are no touch
      assert.deepEqual(
        all.touches.map((t) => [t.personId, t.touchId]),
        [
          ['p1', 't1'],
          ['p2', 't3'],
          ['p4', 't4'],
        ],
      );
      assert.deepEqual(
        all.roles.map((r) => [r.personId, r.milestone]),
        [
          ['p1', 'customer'],
          ['p1', 'lead'],
          ['p2', 'lead'],
        ],
      );
      const nc = await nonConvertingTouches(s, WS, 'lead');
      const ncDuck = await duck.nonConvertingTouches(WS, 'lead');
      assert.deepEqual(nc.channels, ['Organic Search']);
      assert.deepEqual(
        [nc.channels, [...nc.channel], [...nc.at], [...nc.offsets]],
        [ncDuck.channels, [...ncDuck.channel], [...ncDuck.at], [...ncDuck.offsets]],
      );

      // writes: a whole run, then a run for one person, then a run that credits nothing
      const row = (model: string, personId: string, touchId: string | null, weight: number) => ({
        model,
        personId,
        convertedAt: Date.parse('2024-03-02T01:00:00Z'),
        touchId,
        touchedAt: touchId ? Date.parse('2024-03-01T00:00:00Z') : null,
        channel: touchId ? 'Paid Search' : '(no touchpoint)',
        weight,
        conversions: weight,
        value: 0,
      });
      const runs: [
        Parameters<typeof replaceCredits>[2],
        ReturnType<typeof row>[],
        { model: string; channel: string; score: number }[],
      ][] = [
        [
          { milestone: 'lead', models: ['linear', 'markov'] },
          [
            row('linear', 'p1', 't1', 1),
            row('linear', 'p2', null, 1),
            row('markov', 'p1', 't1', 1),
          ],
          [{ model: 'markov', channel: 'Paid Search', score: 1 }],
        ],
        [
          { milestone: 'lead', models: ['linear'], personIds: ['p2'] },
          [row('linear', 'p2', 't1', 0.5), row('linear', 'p2', null, 0.5)],
          [],
        ],
        [{ milestone: 'lead', models: ['markov'] }, [], []],
      ];
      for (const [scope, rows, fits] of runs) {
        await replaceCredits(s, WS, scope, rows, fits);
        await duck.replaceCredits(WS, scope, rows, fits);
        for (const person of ['p1', 'p2'])
          assert.deepEqual(
            await personCredits(s, WS, person),
            await duck.personCredits(WS, person),
            JSON.stringify(scope),
          );
        assert.deepEqual(
          await attributionFits(s, WS, 'lead'),
          await duck.attributionFits(WS, 'lead'),
        );
      }
      assert.deepEqual(
        (await personCredits(s, WS, 'p2')).map((c) => [c.model, c.weight]),
        [
          ['linear', 0.5],
          ['linear', 0.5],
        ],
      );
      assert.deepEqual(
        (await personCredits(s, WS, 'p1')).map((c) => c.model),
        ['linear'],
      );
      const stages = await ch.conn.query(
        `SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE '%stage%'`,
        { db: ch.database },
      );
      assert.deepEqual(stages, []);
    });
  },
);
