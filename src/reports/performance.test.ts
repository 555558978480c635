// The performance report on the suite's engine, on the hand-computed world of test-helpers/report-world.ts:
// spend spread over the sessions it bought (a campaign's spend of a day evenly over that day's matched
// sessions), spend no session bought on a row of its own, credited milestones (fractional under linear),
// the costs and returns derived from them, and filters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeAttributionSettings } from '../derive/attribution-report.js';
import { withStore } from '../test-helpers/events.js';
import { RANGE, reportWorld } from '../test-helpers/report-world.js';
import { performance } from './performance.js';

type Run = Awaited<ReturnType<typeof performance.run>>;
const rowsOf = (r: Run, keys: string[]) =>
  r.rows.map((x) => keys.map((k) => (x as Record<string, unknown>)[k]));

test('performance by channel: spend matched to sessions, credited leads, cost per lead', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    const run = (q: Record<string, string>) =>
      performance.run({ store, workspaceId: 'w' }, performance.params.parse({ ...RANGE, ...q }));
    const r = await run({ model: 'last_touch' });
    assert.equal(r.model, 'last_touch');
    assert.deepEqual(r.credited, ['lead'], 'credits are stored for the conversion milestone only');
    // Paid Search: a1 (Brand 100), a2 (Spring Sale 03-01: 30), a3 (Spring Sale 03-02: 20), a4
    // (matched to no spend), a7 (Spring Sale, but no spend on 03-03); LinkedIn's 03-01 spend of 70
    // found no session that day; each lead's last touch is its Paid Search visit
    assert.deepEqual(
      rowsOf(r, [
        'channel',
        'spend',
        'clicks',
        'sessions',
        'visitors',
        'leads',
        'cpl',
        'opportunities',
      ]),
      [
        ['(spend without sessions)', 70, 40, 0, 0, 0, null, null],
        ['Email', 0, 0, 1, 1, 0, null, null],
        ['Organic Search', 0, 0, 1, 1, 0, null, null],
        ['Paid Search', 150, 120, 5, 5, 3, 50, null],
        ['Paid Social', 80, 40, 1, 1, 0, null, null],
      ],
    );
    // visitors are counted once over all rows (a2 visited from two channels): 7, not 8
    assert.deepEqual(
      [r.totals.spend, r.totals.sessions, r.totals.visitors, r.totals.leads, r.totals.cpl],
      [300, 8, 7, 3, 100],
    );
    assert.equal(r.totals.session_to_lead, 3 / 8);

    // by campaign, Paid Search only (both filter spellings): the session's utm_campaign
    const spellings: Record<string, string>[] = [
      { channel: 'Paid Search' },
      { filter: 'channel:Paid Search' },
    ];
    for (const q of spellings) {
      const c = await run({ model: 'last_touch', groupBy: 'campaign', ...q });
      assert.deepEqual(rowsOf(c, ['campaign', 'spend', 'sessions', 'leads']), [
        ['Spring Sale', 20, 1, 0],
        ['spring_sale', 30, 2, 1],
        ['untracked', 0, 1, 1],
        ['whatever', 100, 1, 1],
      ]);
    }
  });
});

test('performance under the opportunity and customer conversions: fractional credits, pipeline, CAC and returns', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    const run = (q: Record<string, string>) =>
      performance.run({ store, workspaceId: 'w' }, performance.params.parse({ ...RANGE, ...q }));
    await changeAttributionSettings(store, 'w', { conversion: 'opportunity' });
    // a1's opportunity (1000) had one touch (Paid Search); a2's (500) two: Paid Search then Email
    const lin = await run({ model: 'linear' });
    assert.deepEqual(lin.credited, ['opportunity']);
    assert.deepEqual(
      rowsOf(lin, ['channel', 'opportunities', 'pipeline', 'cost_per_opportunity', 'leads']),
      [
        ['(spend without sessions)', 0, 0, null, null],
        ['Email', 0.5, 250, 0, null],
        ['Organic Search', 0, 0, null, null],
        ['Paid Search', 1.5, 1250, 100, null],
        ['Paid Social', 0, 0, null, null],
      ],
    );
    const first = await run({ model: 'first_touch' });
    assert.deepEqual(
      first.rows
        .filter((x) => x.opportunities)
        .map((x) => [x.channel, x.opportunities, x.pipeline]),
      [['Paid Search', 2, 1500]],
    );

    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    const won = await run({ model: 'linear', groupBy: 'channel' });
    const search = won.rows.find((x) => x.channel === 'Paid Search')!;
    // a1 won 1000 from one Paid Search visit, which bought 100 of Brand's spend and the channel 150
    assert.deepEqual(
      [search.customers, search.revenue, search.cac, search.roas, search.roi],
      [1, 1000, 150, 1000 / 150, 850 / 150],
    );
    assert.deepEqual(
      [won.totals.customers, won.totals.revenue, won.totals.cac, won.totals.roas],
      [1, 1000, 300, 1000 / 300],
    );
  });
});

test('a workspace’s report model is the default; model, dimensions and filters are checked', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    await changeAttributionSettings(store, 'w', { reportModel: 'first_touch' });
    const r = await performance.run(
      { store, workspaceId: 'w' },
      performance.params.parse({ ...RANGE }),
    );
    assert.equal(r.model, 'first_touch');
    const refused = async (q: Record<string, string>) => {
      try {
        await performance.run({ store, workspaceId: 'w' }, performance.params.parse(q));
        return null;
      } catch (err) {
        return (err as { field?: string }).field ?? null;
      }
    };
    assert.equal(await refused({ groupBy: 'channel,nope' }), 'groupBy');
    assert.equal(await refused({ filter: 'nope:x' }), 'filter');
    assert.equal(await refused({ model: 'nope' }), 'model');
    assert.equal(await refused({ from: '2026-03-05', to: '2026-03-01' }), 'to');
  });
});
