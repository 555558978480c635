// Tagging health beside mapping rules, on the suite's engine: a session only a rule brings into the
// costs (organic traffic a marketer ties to a campaign) counts for that campaign, but is no paid visit:
// it neither lowers a platform's click-id share nor shows as an untagged paid landing page; and a paid
// campaign a rule ties to spend is no longer "sessions without spend".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { setCostMappingRules } from '../derive/cost-mapping-settings.js';
import { world } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { costMatchQuery } from './costs.js';
import { taggingHealth } from './tagging-health.js';

test('sessions a rule brings in are not paid traffic; sessions a rule matches have spend', async () => {
  await withStore(async (store) => {
    await world(store);
    await add(store, [
      page('o1', '2026-03-02T16:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
    ]);
    await rebuild(store, 'w');
    const range = { from: '2026-03-01', to: '2026-03-02' };
    const facts = async () =>
      store.taggingFacts('w', {
        ...(await costMatchQuery(store, 'w', range)),
        click: {
          google: ['gclid'],
          meta: ['fbclid'],
          linkedin: ['li_fat_id'],
          microsoft: ['msclkid'],
        },
      });
    const checks = async () =>
      (
        await taggingHealth.run({ store, workspaceId: 'w' }, taggingHealth.params.parse(range))
      ).findings
        .filter((f) => f.check === 'sessions_without_spend')
        .map((f) => f.campaign);
    const before = await facts();
    assert.deepEqual(await checks(), ['untracked']);

    await setCostMappingRules(store, 'w', {
      rules: [
        // every landing on the home page: the organic visits a6 and o1 (the paid ones match earlier)
        {
          id: 'home',
          field: 'landing_path',
          op: 'equals',
          value: '/',
          platform: 'google',
          campaign: '111',
        },
        {
          id: 'untracked',
          field: 'utm_campaign',
          op: 'equals',
          value: 'untracked',
          platform: 'google',
          campaign: '222',
        },
      ],
    });
    const after = await facts();
    assert.deepEqual(after.clickIds, before.clickIds);
    assert.deepEqual(after.untagged, before.untagged);
    assert.deepEqual(after.unmatched, []);
    assert.deepEqual(await checks(), []);
  });
});
