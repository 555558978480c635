import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAMPAIGNS } from './ad-campaigns.js';

// campaign, ad group and creative id lengths as each platform writes them
const DIGITS = {
  google_ads: [11, 12, 12],
  microsoft_ads: [9, 10, 11],
  meta_ads: [18, 18, 18],
  linkedin_ads: [9, 9, 9],
} as const;

test('ids are numeric, unique and as long as each platform makes them', () => {
  const ids = new Set<string>();
  for (const c of CAMPAIGNS) {
    const [campaign, group, creative] = DIGITS[c.platform];
    const own = [
      [c.id, campaign],
      ...c.adGroups.flatMap((g) => [[g.id, group], ...g.creatives.map((k) => [k, creative])]),
    ] as [string, number][];
    for (const [id, digits] of own) {
      assert.match(id, new RegExp(`^[1-9]\\d{${digits - 1}}$`), `${c.name}: ${id}`);
      assert.ok(!ids.has(id), `${id} twice`);
      ids.add(id);
    }
  }
});

test('keyword bids follow their group: exact match costs more and clicks better than broad', () => {
  for (const c of CAMPAIGNS)
    for (const g of c.adGroups)
      for (const k of g.keywords) {
        assert.ok(k.cpc > 0 && k.cpc <= g.cpc * 1.5, `${g.name} ${k.text}: ${k.cpc}`);
        const ratio = k.matchType === 'e' ? 1.3 : k.matchType === 'p' ? 1 : 0.7;
        assert.ok(Math.abs(k.ctr - g.ctr * ratio) < 1e-12, `${g.name} ${k.text}: ctr ${k.ctr}`);
      }
  assert.ok(CAMPAIGNS.some((c) => c.retargeting));
});
