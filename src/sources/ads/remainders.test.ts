// The finest grain kept whole: coarser rows add only what they spent beyond the finer rows under them,
// per day and campaign (and ad group); a coarser row the finer ones already exceed adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdCostRecord } from './records.js';
import { withRemainders } from './remainders.js';

const row = (o: Partial<AdCostRecord>): AdCostRecord => ({
  date: '2026-11-01',
  currency: 'USD',
  campaignId: '1',
  campaignName: 'C',
  adGroupId: null,
  adGroupName: null,
  adId: null,
  adName: null,
  keyword: null,
  matchType: null,
  impressions: 0,
  clicks: 0,
  costMicros: 0,
  conversions: 0,
  conversionValue: 0,
  ...o,
});

test('remainders per level: ad group beyond its keywords, campaigns beyond their ad groups, none below zero', () => {
  const kw = [
    row({ adGroupId: 'g1', keyword: 'a', costMicros: 1_000_000, clicks: 2, conversions: 0.1 }),
    row({ adGroupId: 'g1', keyword: 'b', costMicros: 2_000_000, clicks: 1, conversions: 0.2 }),
    // another day: not under the first day's ad group
    row({ date: '2026-11-02', adGroupId: 'g1', keyword: 'a', costMicros: 5_000_000, clicks: 5 }),
  ];
  const groups = [
    row({ adGroupId: 'g1', adGroupName: 'G', costMicros: 3_500_000, clicks: 3, conversions: 0.3 }),
    // the finer rows exceed it (the platform's rounding): nothing added
    row({ date: '2026-11-02', adGroupId: 'g1', costMicros: 4_900_000, clicks: 5 }),
  ];
  const campaigns = [
    row({ costMicros: 3_500_000, clicks: 3, conversions: 0.3 }),
    row({ campaignId: '2', campaignName: 'PMax', costMicros: 9_000_000, clicks: 9 }),
    row({ date: '2026-11-02', costMicros: 5_000_000, clicks: 5 }),
  ];
  const out = withRemainders([kw, groups, campaigns]);
  assert.deepEqual(
    out
      .slice(3)
      .map((r) => [
        r.date,
        r.campaignId,
        r.adGroupId,
        r.keyword,
        r.costMicros,
        r.clicks,
        r.conversions,
      ]),
    [
      ['2026-11-01', '1', 'g1', null, 500_000, 0, 0],
      ['2026-11-01', '2', null, null, 9_000_000, 9, 0],
    ],
  );
  assert.deepEqual(out.slice(0, 3), kw);
  assert.equal(
    out.filter((r) => r.date === '2026-11-01').reduce((s, r) => s + r.costMicros, 0),
    3_500_000 + 9_000_000,
  );
});
