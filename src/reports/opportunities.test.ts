// The opportunities report on the suite's engine, over the hand-built pipeline world
// (test-helpers/quality-world.ts): the deals open at the end of a day, in the stage they were in then,
// valued in the workspace's currency, by the first touch of their person.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importFxRates } from '../derive/fx-rates.js';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
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

test('the day ends at midnight of the workspace time zone; filters keep deals by first touch', async () => {
  await withStore(async (store) => {
    // deals created on March 6th (00:00 UTC) are open by the end of March 5th in New York (05:00 UTC)
    await zonedWorkspace(store, 'ny', 'America/New_York');
    await pipelineWorld(store);
    await pipelineWorld(store, 'ny');
    const run = (workspaceId: string, q: Record<string, string>) =>
      opportunities.run({ store, workspaceId }, opportunities.params.parse(q));
    const utc = await run('w', { asOf: '2026-03-05' });
    assert.deepEqual(utc.total, { deals: 2, value: 1700, unvalued: 0 });
    const ny = await run('ny', { asOf: '2026-03-05' });
    assert.equal(ny.timezone, 'America/New_York');
    // d2 (bob, 500) and d3 (dan, no visit: 900) beside d1 (1000) and d6 (700)
    assert.deepEqual(ny.total, { deals: 4, value: 3100, unvalued: 0 });
    assert.deepEqual(
      ny.rows.map((r) => [r.firstTouch, r.deals, r.value]),
      [
        ['(no touchpoint)', 1, 900],
        ['Email', 2, 1200],
        ['Paid Search', 1, 1000],
      ],
    );

    // bob's deals d2 and d6 alone, by either name of the first touch's channel
    for (const q of [{ channel: 'Email' }, { filter: 'firstTouchChannel:Email' }] as Record<
      string,
      string
    >[]) {
      const email = await run('w', { asOf: '2026-03-06', ...q });
      assert.deepEqual(email.total, { deals: 2, value: 1200, unvalued: 0 }, JSON.stringify(q));
      assert.deepEqual(email.filter, { channel: ['Email'] });
    }
    const none = await run('w', { asOf: '2026-03-06', source: '(no touchpoint)' });
    assert.deepEqual(none.total, { deals: 1, value: 900, unvalued: 0 });
    // ad group, ad and keyword are not kept with a first touch: refused, naming the parameter
    await assert.rejects(run('w', { keyword: 'shoes' }), { field: 'keyword' });
    await assert.rejects(run('w', { filter: 'adGroup:x' }), { field: 'filter' });
    await assert.rejects(run('w', { filter: 'colour:red' }), { field: 'filter' });
  });
});
