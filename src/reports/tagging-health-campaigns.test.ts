// Tagging health reads the costs matching once, by day: a campaign's sessions and name come from its days.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { campaignsOf } from './tagging-health.js';

test("a campaign's sessions are the sum of its days and its name the one of its last day with spend", () => {
  const got = campaignsOf([
    { platform: 'google', campaign: 'c1', date: '2026-03-01', campaignName: 'Old', sessions: 2 },
    { platform: 'google', campaign: 'c1', date: '2026-03-03', campaignName: 'New', sessions: 0 },
    // a day of sessions without spend names nothing
    { platform: 'google', campaign: 'c1', date: '2026-03-04', campaignName: null, sessions: 3 },
    { platform: 'google', campaign: 'c1', date: '2026-03-02', campaignName: 'Mid', sessions: 1 },
    { platform: 'meta', campaign: 'c1', date: '2026-03-01', campaignName: 'Meta one', sessions: 4 },
    { platform: 'google', campaign: null, date: '2026-03-01', campaignName: null, sessions: 5 },
  ]);
  assert.deepEqual(got.get('google|c1'), { campaignName: 'New', sessions: 6, day: '2026-03-03' });
  assert.deepEqual(got.get('meta|c1'), {
    campaignName: 'Meta one',
    sessions: 4,
    day: '2026-03-01',
  });
  assert.deepEqual(got.get('google|null'), { campaignName: null, sessions: 5, day: '' });
});
