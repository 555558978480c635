import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelDiffAccumulator, diffChannels } from './diff.js';
import { compileRules, defaultCompiledRules } from './rules.js';
import { resolveRulesConfig } from './rules-config.js';

test('moving Email before Referral: sessions per channel and the from → to matrix', () => {
  const inputs = [
    { touch: { source: 'email', medium: 'referral' }, sessions: 7 },
    { touch: { source: 'e-mail', medium: 'link' }, sessions: 3 },
    { touch: { source: 'blog.com', medium: 'referral' }, sessions: 20 },
    { touch: { source: 'newsletter', medium: 'email' }, sessions: 5 },
    { touch: { source: 'google', medium: 'cpc' } },
  ];
  const after = compileRules(resolveRulesConfig({ move: [{ rule: 'email', before: 'referral' }] }));
  const diff = diffChannels(inputs, defaultCompiledRules(), after);
  assert.equal(diff.sessions, 36);
  assert.equal(diff.moved, 10);
  assert.deepEqual(diff.matrix, [{ from: 'Referral', to: 'Email', sessions: 10 }]);
  assert.deepEqual(diff.channels, [
    { channel: 'Referral', before: 30, after: 20, change: -10 },
    { channel: 'Email', before: 5, after: 15, change: 10 },
    { channel: 'Paid Search', before: 1, after: 1, change: 0 },
  ]);
});

test('identical rule sets move nothing', () => {
  const inputs = [
    { touch: { source: 'google', medium: 'organic' } },
    { touch: { source: 'x', medium: 'print' } },
  ];
  const diff = diffChannels(inputs, defaultCompiledRules(), compileRules());
  assert.equal(diff.moved, 0);
  assert.deepEqual(diff.matrix, []);
});

test('accumulator: channels that appear or vanish, zero counts ignored', () => {
  const acc = new ChannelDiffAccumulator();
  acc.add('Paid Social', 'LinkedIn Ads', 4);
  acc.add('Paid Social', 'Paid Social', 6);
  acc.add('Unassigned', 'Partners', 2);
  acc.add('Direct', 'Email', 0);
  const r = acc.result();
  assert.equal(r.sessions, 12);
  assert.equal(r.moved, 6);
  assert.deepEqual(
    r.matrix.map((m) => `${m.from}>${m.to}:${m.sessions}`),
    ['Paid Social>LinkedIn Ads:4', 'Unassigned>Partners:2'],
  );
  const byName = new Map(r.channels.map((c) => [c.channel, c]));
  assert.deepEqual(byName.get('Unassigned'), {
    channel: 'Unassigned',
    before: 2,
    after: 0,
    change: -2,
  });
  assert.deepEqual(byName.get('LinkedIn Ads'), {
    channel: 'LinkedIn Ads',
    before: 0,
    after: 4,
    change: 4,
  });
  assert.equal(byName.has('Direct'), false);
});
