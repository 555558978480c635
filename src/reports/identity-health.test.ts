// The identity-health report on the suite's engine, on the insights world (test-helpers/insights-world.ts)
// with a kiosk where five people identified and two server-side leads: each milestone's stitched share by source, the CRM match
// counts, the unmatched CRM records with why, and the quarantined kiosk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identify, withStore } from '../test-helpers/events.js';
import { insightsWorld } from '../test-helpers/insights-world.js';
import { identityHealth } from './identity-health.js';

test('identity-health: stitched shares by source, CRM matches, unmatched records and quarantine', async () => {
  await withStore(async (store) => {
    // a kiosk identified by five e-mails (over the limit of three): quarantined, and no one's history
    const kiosk = ['k1', 'k2', 'k3', 'k4', 'k5'].map((k, i) =>
      identify('kiosk', `2026-03-06T1${i}:00:00Z`, `${k}@acme.io`),
    );
    // two more leads identified server-side only, never seen on the site
    const server = [
      identify('anon-x', '2026-03-07T10:00:00Z', 'xav@acme.io'),
      identify('anon-y', '2026-03-07T11:00:00Z', 'yve@acme.io'),
    ];
    await insightsWorld(store, [...kiosk, ...server]);
    const r = await identityHealth.run(
      { store, workspaceId: 'w' },
      identityHealth.params.parse({}),
    );
    assert.deepEqual(
      r.matchRates.map((m) => [m.milestone, m.source, m.persons, m.stitched, m.rate, m.flagged]),
      [
        // ada (crm deal won) visited
        ['customer', 'crm:csv', 1, 1, 1, false],
        // leads: ada and bob visited; zed, xav, yve and the kiosk (its own person: its events reach
        // no e-mail's) never did: 6 persons, 2 stitched, under half of at least 5: flagged
        ['lead', 'identify', 6, 2, 0.3333, true],
        ['mql', 'crm:csv', 1, 1, 1, false],
        ['opportunity', 'crm:csv', 2, 2, 1, false],
        ['sql', 'crm:csv', 1, 1, 1, false],
      ],
    );
    assert.match(r.matchRates[1]!.fix!, /identify with the e-mail on the same device/);
    assert.deepEqual(
      r.crm.map((c) => [c.source, c.objectType, c.objects, c.matched, c.unmatched, c.rate]),
      [
        ['csv', 'contact', 4, 3, 1, 0.75],
        ['csv', 'deal', 3, 2, 1, 0.6667],
      ],
    );
    // dan's contact (an e-mail no visitor identified with) and his deal (through his contact)
    assert.deepEqual(
      r.unmatchedCrm.map((u) => [u.source, u.objectType, u.objectId, u.keyKinds]),
      [
        ['csv', 'contact', 'c4', ['contact_id', 'email']],
        ['csv', 'deal', 'd3', ['contact_id']],
      ],
    );
    assert.match(r.unmatchedCrm[0]!.fix, /no tracked visitor identified with its email/);
    assert.match(r.unmatchedCrm[1]!.fix, /none of its contacts matched/);
    assert.deepEqual(
      r.quarantined.map((q) => [q.kind, q.value, q.distinctEmails]),
      [['anonymous_id', 'kiosk', 5]],
    );
    assert.equal(r.quarantinedTotal, 1);
    assert.match(r.quarantined[0]!.fix, /shared identifier/);

    // the limit bounds the lists
    const one = await identityHealth.run(
      { store, workspaceId: 'w' },
      identityHealth.params.parse({ limit: '1' }),
    );
    assert.deepEqual(
      one.unmatchedCrm.map((u) => u.objectId),
      ['c4'],
    );
    // ...not the counts, read in the same statement
    assert.deepEqual(one.crm, r.crm);
  });
});
