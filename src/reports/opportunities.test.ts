// The opportunities report on the suite's engine, over the hand-built pipeline world
// (test-helpers/quality-world.ts): the deals open at the end of a day, in the stage they were in then,
// valued in the workspace's currency, by the first touch of their person.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importFxRates } from '../derive/fx-rates.js';
import { withStore } from '../test-helpers/events.js';
import { dealLifecycle, pipelineWorld } from '../test-helpers/pipeline-world.js';
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { opportunities } from './opportunities.js';

const brief = (r: Awaited<ReturnType<typeof opportunities.run>>) =>
  r.rows.map((x) => [x.stage, x.firstTouch, x.deals, x.value, x.unvalued]);

test('open pipeline as of a day: created before, not closed or deleted by then, in its stage then', async () => {
  await withStore(async (store) => {
    await pipelineWorld(store);
    const ctx = { store, workspaceId: 'w' };
    const at = (asOf: string, by?: string) =>
      opportunities.run(ctx, opportunities.params.parse({ asOf, ...(by ? { by } : {}) }));

    // only d6 (bob, 700) was created by the end of 03-04
    const early = await at('2026-03-04');
    assert.deepEqual(brief(early), [[null, 'Email', 1, 700, 0]]);
    assert.equal(early.currency, 'USD');
    assert.deepEqual(early.rows[0] && [early.rows[0].crm, early.rows[0].pipeline], ['csv', null]);

    // 03-07: d1 (ada), d2 in Proposal since 03-07, d3 (dan: no person, so "(no touchpoint)") before it
    // was lost on 03-08, d6
    assert.deepEqual(brief(await at('2026-03-07')), [
      [null, '(no touchpoint)', 1, 900, 0],
      [null, 'Email', 1, 700, 0],
      [null, 'Paid Search', 1, 1000, 0],
      ['Proposal', 'Email', 1, 500, 0],
    ]);
    const mar9 = await at('2026-03-09');
    assert.deepEqual(brief(mar9), [
      [null, 'Email', 1, 700, 0],
      [null, 'Paid Search', 1, 1000, 0],
      ['Proposal', 'Email', 1, 500, 0],
    ]);
    assert.deepEqual(mar9.total, { deals: 3, value: 2200, unvalued: 0 });

    // 03-20: d1 won that day, d6 deleted on 03-11; d7 re-opened into Negotiation on 03-18; carol's d5
    // is in EUR, with no rate to USD: counted, its value unknown
    const mar20 = await at('2026-03-20');
    assert.deepEqual(brief(mar20), [
      [null, 'Organic Search', 1, 2000, 0],
      [null, 'Organic Social', 1, 0, 1],
      ['Negotiation', 'Email', 1, 400, 0],
      ['Proposal', 'Email', 1, 500, 0],
    ]);
    assert.deepEqual(mar20.total, { deals: 4, value: 2900, unvalued: 1 });
    assert.match(
      opportunities.table(mar20, opportunities.params.parse({})).headline ?? '',
      /4 deals worth 2900 USD \(1 without a known value/,
    );

    // by another first-touch dimension: the first visit's utm_medium (or what the rules decided)
    const byMedium = await at('2026-03-09', 'medium');
    assert.deepEqual(
      byMedium.rows.map((x) => [x.stage, x.firstTouch, x.value]),
      [
        [null, 'cpc', 1000],
        [null, 'email', 700],
        ['Proposal', 'email', 500],
      ],
    );

    // the rate in effect on the day the amount was set (03-12) values carol's deal
    await importFxRates(store, 'w', [{ date: '2026-03-01', base: 'EUR', quote: 'USD', rate: 1.1 }]);
    const rated = await at('2026-03-20');
    assert.deepEqual(rated.rows[1] && [rated.rows[1].value, rated.rows[1].unvalued], [330, 0]);
    assert.deepEqual(rated.total, { deals: 4, value: 3230, unvalued: 0 });

    // today by default: every deal of the world is closed, deleted, or still open
    const now = await opportunities.run(ctx, opportunities.params.parse({}));
    assert.equal(now.asOf, new Date().toISOString().slice(0, 10));
    assert.deepEqual(
      now.rows.map((x) => [x.stage, x.firstTouch]),
      [
        [null, 'Organic Social'],
        ['Proposal', 'Email'],
      ],
    );

    // d5 merged into d2 on 04-05 (gone from then on); d6 restored on 04-10 (open again, as it was)
    await recordCrmChanges(store, 'w', [
      dealLifecycle('d5', 'merged', '2026-04-05', 'd2'),
      dealLifecycle('d6', 'restored', '2026-04-10'),
    ]);
    const stages = async (asOf: string) =>
      (await at(asOf)).rows.map((x) => [x.stage, x.firstTouch, x.value]);
    assert.deepEqual(await stages('2026-04-04'), [
      [null, 'Organic Social', 330],
      ['Proposal', 'Email', 500],
    ]);
    assert.deepEqual(await stages('2026-04-10'), [
      [null, 'Email', 700],
      ['Proposal', 'Email', 500],
    ]);
  });
});
