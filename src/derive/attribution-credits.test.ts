import { test } from 'node:test';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { simulate } from '../sim/index.js';
import { openTestStore } from '../test-helpers/store.js';
import type { Store } from '../store/store.js';
import type { CreditRow, RawEvent } from '../store/types.js';
import { add, identify, page, TEST_WORKSPACE as ws, withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import {
  creditWorkspace,
  dataDrivenCredits,
  journeysFrom,
  storedModelsFor,
  workspaceJourneys,
} from './attribution-credits.js';
import { attributionReport, changeAttributionSettings } from './attribution-report.js';
import { attributionSettingsFor } from './attribution-settings.js';
import { deriveAffected, rebuild } from './derive.js';

/** Every credit row of the workspace, in a stable order, rounded so float noise cannot differ. */
async function allCredits(store: Store, persons: readonly string[]): Promise<string[]> {
  const rows: string[] = [];
  for (const p of persons) {
    for (const r of await store.personCredits('w', p)) rows.push(key(r));
  }
  return rows.sort();
}
const key = (r: CreditRow & { milestone: string }) =>
  [
    r.milestone,
    r.model,
    r.personId,
    r.convertedAt,
    r.touchId,
    r.channel,
    r.weight.toFixed(9),
    r.value.toFixed(6),
  ].join('|');

async function personOf(store: Store, email: string): Promise<string> {
  const [p] = await store.personsByIdentifier('w', 'email', email);
  assert.ok(p, `person for ${email}`);
  return p;
}

test('credits: every model splits each lead over the touches in the window; a lead with no touch goes to "(no touchpoint)"', async () => {
  await withStore(async (store) => {
    await add(store, [
      page(
        'a',
        '2026-03-01T09:00:00Z',
        'https://acme.io/?utm_source=linkedin&utm_medium=paid_social&utm_campaign=abm',
        'https://www.linkedin.com/',
      ),
      page('a', '2026-03-05T09:00:00Z', 'https://acme.io/pricing', 'https://www.google.com/'),
      page('a', '2026-03-09T09:00:00Z', 'https://acme.io/demo'),
      identify('a', '2026-03-09T09:05:00Z', 'ada@acme.io'),
      // only an identify, from a server: a lead with no session at all
      identify('crm-only', '2026-03-10T10:00:00Z', 'bob@acme.io'),
      // a session long before the window, then the lead
      page('c', '2025-06-01T09:00:00Z', 'https://acme.io/', 'https://www.bing.com/'),
      identify('c', '2026-03-11T10:00:00Z', 'cy@acme.io'),
      page(
        'nobody',
        '2026-03-02T10:00:00Z',
        'https://acme.io/?utm_source=newsletter&utm_medium=email',
      ),
    ]);
    const summary = await rebuild(store, 'w');
    assert.equal(summary.credits.conversions, 3);
    assert.equal(summary.credits.noTouchpoint, 2);

    const ada = await store.personCredits('w', await personOf(store, 'ada@acme.io'));
    const by = (model: string) =>
      ada.filter((r) => r.model === model).map((r) => [r.channel, Number(r.weight.toFixed(6))]);
    assert.deepEqual(by('first_touch'), [['Paid Social', 1]]);
    assert.deepEqual(by('last_touch'), [['Direct', 1]]);
    assert.deepEqual(by('last_non_direct'), [['Organic Search', 1]]);
    assert.deepEqual(by('linear'), [
      ['Paid Social', 0.333333],
      ['Organic Search', 0.333333],
      ['Direct', 0.333333],
    ]);
    assert.deepEqual(by('position_based'), [
      ['Paid Social', 0.4],
      ['Organic Search', 0.2],
      ['Direct', 0.4],
    ]);
    // time decay, half-life 7 days: 8 and 4 days before the lead against 0
    const td = [2 ** (-8 / 7), 2 ** (-4 / 7), 1];
    const sum = td.reduce((a, b) => a + b, 0);
    assert.deepEqual(by('time_decay'), [
      ['Paid Social', Number((td[0]! / sum).toFixed(6))],
      ['Organic Search', Number((td[1]! / sum).toFixed(6))],
      ['Direct', Number((td[2]! / sum).toFixed(6))],
    ]);
    for (const m of storedModelsFor(await attributionSettingsFor(store, 'w'))) {
      const total = ada.filter((r) => r.model === m).reduce((s, r) => s + r.weight, 0);
      assert.ok(Math.abs(total - 1) < 1e-9, `${m} sums to ${total}`);
    }
    for (const email of ['bob@acme.io', 'cy@acme.io']) {
      const rows = await store.personCredits('w', await personOf(store, email));
      assert.ok(
        rows.length > 0 &&
          rows.every(
            (r) => r.channel === '(no touchpoint)' && r.touchId === null && r.weight === 1,
          ),
        email,
      );
    }
    // the visitor who never converted has no credits, but is a null path for the data-driven fits
    const nobody = (await store.personsByIdentifier('w', 'anonymous_id', 'nobody'))[0]!;
    assert.deepEqual(await store.personCredits('w', nobody), []);

    // reports group stored credits by any touch dimension and conserve conversions
    const byCampaign = await attributionReport(store, 'w', {
      model: 'linear',
      groupBy: ['channel', 'campaign'],
    });
    assert.equal(byCampaign.stored, true);
    assert.ok(Math.abs(byCampaign.totals.conversions - 3) < 1e-9);
    const abm = byCampaign.rows.find((r) => r.key.campaign === 'abm');
    assert.equal(abm?.key.channel, 'Paid Social');
    assert.ok(Math.abs(abm!.conversions - 1 / 3) < 1e-9);
    const none = byCampaign.rows.find((r) => r.key.channel === '(no touchpoint)');
    assert.deepEqual([none?.key.campaign, none?.conversions], ['(no touchpoint)', 2]);

    // a longer window reaches c's old Bing session; per query, computed and not stored
    const wide = await attributionReport(store, 'w', {
      model: 'first_touch',
      groupBy: ['channel'],
      overrides: { lookbackDays: 400 },
    });
    assert.equal(wide.stored, false);
    assert.deepEqual(Object.fromEntries(wide.rows.map((r) => [r.key.channel, r.conversions])), {
      'Paid Social': 1,
      'Organic Search': 1,
      '(no touchpoint)': 1,
    });
    // saving it re-credits the workspace in full
    const changed = await changeAttributionSettings(store, 'w', {
      lookbackDays: 400,
      excludeChannels: ['Direct'],
    });
    assert.equal(changed.credits.noTouchpoint, 1);
    const stored = await attributionReport(store, 'w', {
      model: 'last_touch',
      groupBy: ['channel'],
    });
    assert.deepEqual(Object.fromEntries(stored.rows.map((r) => [r.key.channel, r.conversions])), {
      'Organic Search': 2,
      '(no touchpoint)': 1,
    });
  });
});

test('credits: bad settings are rejected naming the field, and nothing stored changes', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('a', '2026-03-01T09:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
      identify('a', '2026-03-01T09:05:00Z', 'ada@acme.io'),
    ]);
    await rebuild(store, 'w');
    const before = await allCredits(store, [await personOf(store, 'ada@acme.io')]);
    await assert.rejects(
      changeAttributionSettings(store, 'w', { lookbackDays: 0 }),
      /lookbackDays: /,
    );
    await assert.rejects(
      changeAttributionSettings(store, 'w', { transforms: ['shuffle'] }),
      /transforms\.0: unknown path transform/,
    );
    await assert.rejects(
      changeAttributionSettings(store, 'w', { lookbak: 30 }),
      /lookbak|Unrecognized/,
    );
    await assert.rejects(
      changeAttributionSettings(store, 'w', { custom: { weights: { first: 0 } } }),
      /custom\.weights/,
    );
    assert.equal((await attributionSettingsFor(store, 'w')).lookbackDays, 90);
    assert.deepEqual(await allCredits(store, [await personOf(store, 'ada@acme.io')]), before);
  });
});

test('credits: incremental re-crediting after new events (including an identity merge) equals a full re-credit', async () => {
  await withStore(async (store) => {
    await add(store, [
      page(
        'laptop',
        '2026-03-01T09:00:00Z',
        'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
        'https://www.linkedin.com/',
      ),
      identify('laptop', '2026-03-01T09:05:00Z', 'ada@acme.io'),
      page('other', '2026-03-02T09:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
      identify('other', '2026-03-02T09:01:00Z', 'eve@acme.io'),
    ]);
    await rebuild(store, 'w');
    await changeAttributionSettings(store, 'w', {
      custom: { weights: { first: 2, last: 1, middle: 0 } },
    });
    const eve = await personOf(store, 'eve@acme.io');
    const eveBefore = await allCredits(store, [eve]);
    // a phone seen before the lead is joined to Ada by the same email later: her lead gains a touch
    const later: RawEvent[] = [
      page(
        'phone',
        '2026-02-20T20:00:00Z',
        'https://acme.io/?gclid=abc',
        'https://www.google.com/',
      ),
      identify('phone', '2026-03-04T20:02:00Z', 'ADA@acme.io'),
      page(
        'new',
        '2026-03-04T10:00:00Z',
        'https://acme.io/?utm_source=newsletter&utm_medium=email',
      ),
    ];
    await add(store, later);
    const r = await deriveAffected(store, 'w', ['phone', 'new']);
    assert.equal(r.credits.persons !== undefined && r.credits.persons >= 1, true);
    const ada = await personOf(store, 'ada@acme.io');
    const first = (await store.personCredits('w', ada)).filter((c) => c.model === 'first_touch');
    assert.deepEqual(
      first.map((c) => c.channel),
      ['Paid Search'],
    );
    const custom = (await store.personCredits('w', ada))
      .filter((c) => c.model === 'custom')
      .map((c) => [c.channel, Number(c.weight.toFixed(6))]);
    assert.deepEqual(custom, [
      ['Paid Search', 0.666667],
      ['Paid Social', 0.333333],
    ]);
    // rule-based credits of a person the change did not touch were not rewritten differently
    const incremental = await allCredits(store, [ada, eve]);
    assert.deepEqual(
      eveBefore.filter((k) => !/\|(markov|shapley|shapley_simplified)\|/.test(k)),
      (await allCredits(store, [eve])).filter(
        (k) => !/\|(markov|shapley|shapley_simplified)\|/.test(k),
      ),
    );
    await creditWorkspace(store, 'w');
    assert.deepEqual(await allCredits(store, [ada, eve]), incremental);
  });
});

test('credits on a simulated world: first touch with a wide window equals the simulator’s leads by visible first touch, and every model conserves leads', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const w = await store.createWorkspace({ ...ws, id: 'sim' });
    const sim = await simulate(
      { seed: 11, days: 30, visitorsPerDay: 60, end: '2026-09-30' },
      { outDir: dir },
    );
    await store.importEventsFile(w.id, join(dir, 'events.ndjson'));
    await rebuild(store, w.id);
    await changeAttributionSettings(store, w.id, { lookbackDays: 730 });
    const first = await attributionReport(store, w.id, {
      model: 'first_touch',
      groupBy: ['channel'],
    });
    assert.deepEqual(
      Object.fromEntries(first.rows.map((r) => [r.key.channel, r.conversions])),
      sim.record.leads.resolvable.byFirstTouchGa4ChannelGroup,
    );
    for (const m of storedModelsFor(await attributionSettingsFor(store, w.id))) {
      const rep = await attributionReport(store, w.id, { model: m, groupBy: ['channel'] });
      assert.ok(
        Math.abs(rep.totals.conversions - sim.record.leads.resolvable.total) < 1e-6,
        `${m}: ${rep.totals.conversions} vs ${sim.record.leads.resolvable.total}`,
      );
    }

    // the columnar read of the journeys that never converted fits exactly what one object per touch does
    const settings = await attributionSettingsFor(store, w.id);
    const objects = journeysFrom(await store.attributionInputs(w.id, 'lead'));
    const columnar = await workspaceJourneys(store, w.id, 'lead');
    assert.ok(
      objects.nonConverting.length > 500,
      `${objects.nonConverting.length} journeys never converted`,
    );
    assert.equal(columnar.nonConverting.offsets.length - 1, objects.nonConverting.length);
    assert.deepEqual(columnar.converting, objects.converting);
    assert.deepEqual(
      dataDrivenCredits(columnar.converting, columnar.nonConverting, settings),
      dataDrivenCredits(objects.converting, objects.nonConverting, settings),
    );
  } finally {
    await store.close();
    cleanup();
  }
});
