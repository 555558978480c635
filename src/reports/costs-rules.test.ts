// The costs report's mapping rules on the suite's engine: tried after ids and names, first rule wins,
// a rule's ad group kept, and a change re-applied to history at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { setCostMappingRules } from '../derive/cost-mapping-settings.js';
import { row, spend, world } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { costs } from './costs.js';
import type { Store } from '../store/store.js';

const run = (store: Store, groupBy: string) =>
  costs.run(
    { store, workspaceId: 'w' },
    costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy }),
  );

test('mapping rules give unmatched sessions a campaign, after ids and names, first rule first; a change re-applies to history', async () => {
  await withStore(async (store) => {
    await world(store);
    await add(store, [
      // not paid traffic: only a rule brings it in
      page(
        'r1',
        '2026-03-01T13:00:00Z',
        'https://acme.io/?utm_source=PartnerX&utm_medium=referral',
      ),
      // organic, on a landing page a rule names
      page(
        'r2',
        '2026-03-02T13:00:00Z',
        'https://acme.io/pricing/team?x=1',
        'https://www.bing.com/',
      ),
    ]);
    await spend(store, 'meta', 'm-1', [row('2026-03-01', 'm5', 'Retarget', 10)]);
    await rebuild(store, 'w');
    await setCostMappingRules(store, 'w', {
      rules: [
        // would take a2/a3 (matched by name) and a4: only a4 is left to the rules
        {
          id: 'untr',
          field: 'utm_campaign',
          op: 'contains',
          value: 'UNTR',
          platform: 'google',
          campaign: '111',
        },
        {
          id: 'never',
          field: 'utm_campaign',
          op: 'equals',
          value: 'untracked',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'spring',
          field: 'utm_campaign',
          op: 'matches',
          value: '^spring',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'partner',
          field: 'utm_source',
          op: 'equals',
          value: 'partnerx',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'pricing',
          field: 'landing_path',
          op: 'starts_with',
          value: '/Pricing',
          platform: 'linkedin',
          campaign: '9',
          adGroup: 'g9',
        },
      ],
    });
    const r = await run(store, 'platform,campaign');
    const brief = r.rows.map((x) => [
      x.platform,
      x.campaign,
      x.sessions,
      x.matchedBy.campaign_id,
      x.matchedBy.campaign_name,
      x.matchedBy.rule,
      x.rules,
    ]);
    assert.deepEqual(brief, [
      ['google', '111', 2, 1, 0, 1, { untr: 1 }],
      ['google', '222', 2, 0, 2, 0, {}],
      ['linkedin', '9', 2, 0, 1, 1, { pricing: 1 }],
      ['meta', 'm5', 1, 0, 0, 1, { partner: 1 }],
    ]);
    // a rule's ad group is the sessions' ad group
    const byGroup = await run(store, 'platform,campaign,adGroup');
    assert.deepEqual(
      byGroup.rows.filter((x) => x.platform === 'linkedin').map((x) => [x.adGroup, x.sessions]),
      [
        [null, 1],
        ['g9', 1],
      ],
    );

    // the rules changed: history is read with the new ones at once
    await setCostMappingRules(store, 'w', {
      rules: [
        {
          id: 'partner',
          field: 'utm_source',
          op: 'equals',
          value: 'partnerx',
          platform: 'meta',
          campaign: 'm5',
        },
      ],
    });
    const after = await run(store, 'platform,campaign');
    assert.deepEqual(
      after.rows.map((x) => [x.platform, x.campaign, x.sessions, x.matchedBy.rule]),
      [
        ['google', null, 1, 0],
        ['google', '111', 1, 0],
        ['google', '222', 2, 0],
        ['linkedin', '9', 1, 0],
        ['meta', 'm5', 1, 1],
      ],
    );
  });
});
