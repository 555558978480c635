import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adCostProblem, newAdCostImportId, type AdCostImport, type AdCostRow } from './ad-costs.js';

test('import ids sort by the time they were made, even within one millisecond', () => {
  const ids = [
    newAdCostImportId(1000),
    newAdCostImportId(1000),
    newAdCostImportId(999),
    newAdCostImportId(2000),
  ];
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, 4);
});

test('an import’s rows must lie in its period and count what can be counted', () => {
  const imp: AdCostImport = {
    importId: 'x',
    platform: 'google',
    accountId: 'A',
    from: '2026-01-01',
    to: '2026-01-31',
    source: 'api',
  };
  const row: AdCostRow = {
    date: '2026-01-05',
    currency: 'USD',
    campaignId: 'c',
    campaignName: 'C',
    adGroupId: null,
    adGroupName: null,
    adId: null,
    adName: null,
    keyword: null,
    matchType: null,
    impressions: 1,
    clicks: 1,
    costMicros: 1,
    conversions: 0,
    conversionValue: 0,
  };
  assert.equal(adCostProblem(imp, [row]), undefined);
  assert.match(adCostProblem(imp, [{ ...row, date: '2026-02-01' }])!, /^rows\[0\]\.date/);
  assert.match(adCostProblem(imp, [{ ...row, costMicros: -1 }])!, /costMicros/);
  assert.match(adCostProblem(imp, [{ ...row, clicks: 1.5 }])!, /clicks/);
  assert.match(adCostProblem(imp, [{ ...row, currency: 'usd' }])!, /currency/);
  assert.match(adCostProblem({ ...imp, from: '2026-02-01' }, [])!, /^period/);
});
