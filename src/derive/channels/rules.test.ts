import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRules, defaultCompiledRules } from './rules.js';
import { parseRuleSet, RuleSetError, type ChannelRule } from './rule-schema.js';
import { loadRulesFile, resolveRulesConfig } from './rules-config.js';
import { DEFAULT_RULES } from './default-rules.js';
import { explainLanding } from './explain.js';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RuleSetError, `expected RuleSetError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('expected the rule set to be rejected');
}

const linkedinAds: ChannelRule = {
  id: 'linkedin-ads',
  channel: 'LinkedIn Ads',
  when: {
    all: [
      { field: 'medium', op: 'equals', value: 'paid_social' },
      { field: 'source', op: 'equals', value: 'linkedin' },
    ],
  },
};

test('the default rules are 18, in GA4 order with Referral, Email, Affiliates pinned', () => {
  assert.equal(DEFAULT_RULES.length, 18);
  const ids = DEFAULT_RULES.map((r) => r.id);
  assert.deepEqual(ids.slice(12, 15), ['referral', 'email', 'affiliates']);
  assert.equal(ids[0], 'direct');
  assert.equal(ids[17], 'mobile-push');
});

test('the defaults survive a JSON round trip (rules are data)', () => {
  const copy = JSON.parse(JSON.stringify({ rules: DEFAULT_RULES })) as unknown;
  const rules = compileRules(parseRuleSet(copy));
  assert.deepEqual(rules.classify({ source: 'google', medium: 'cpc' }), {
    channel: 'Paid Search',
    platform: 'Google',
    ruleId: 'paid-search',
  });
});

test('invalid rule sets: every problem, with its path', () => {
  const issues = issuesOf(() =>
    parseRuleSet({
      rules: [
        { id: 'ok', channel: 'A', when: { field: 'source', op: 'exists' } },
        { id: 'ok2', channel: 'B', when: { field: 'source', op: 'equals', value: 'x' } },
        { id: 'ok3', channel: 'C', when: { field: 'source', op: 'equals', value: 'y' } },
        {
          id: 'bad',
          channel: 'D',
          when: {
            all: [
              { field: 'source', op: 'eq', value: 'x' },
              { field: 'sorce', op: 'equals', value: 'x' },
              { field: 'medium', op: 'matches', value: '(unclosed' },
              { field: 'medium', op: 'in', value: 'cpc' },
              { any: [] },
              { nope: true },
            ],
          },
        },
        { id: 'no channel', when: { not: { field: 'medium', op: 'exists', value: 'yes' } } },
      ],
    }),
  );
  const expected = [
    /^rules\[3\]\.when\.all\[0\]\.op: unknown operator "eq"/,
    /^rules\[3\]\.when\.all\[1\]\.field: unknown field "sorce"/,
    /^rules\[3\]\.when\.all\[2\]\.value: invalid regular expression/,
    /^rules\[3\]\.when\.all\[3\]\.value: must be a non-empty array of strings for "in"/,
    /^rules\[3\]\.when\.all\[4\]\.any: must list at least one condition/,
    /^rules\[3\]\.when\.all\[5\]: must be a condition/,
    /^rules\[4\]\.id: must use only letters/,
    /^rules\[4\]\.channel: /,
    /^rules\[4\]\.when\.not\.value: must be true or false/,
  ];
  for (const re of expected)
    assert.ok(
      issues.some((i) => re.test(i)),
      `missing ${re} in:\n${issues.join('\n')}`,
    );
  assert.equal(issues.length, expected.length, issues.join('\n'));
});

test('invalid rule sets: unknown keys, duplicate ids, unknown lists', () => {
  assert.match(
    issuesOf(() => parseRuleSet({ rules: [], extra: 1 })).join('\n'),
    /\(root\): Unrecognized key: "extra"/,
  );
  assert.match(issuesOf(() => parseRuleSet({ rules: 'x' })).join('\n'), /^rules: /);
  const issues = issuesOf(() =>
    parseRuleSet({
      rules: [
        { id: 'a', channel: 'A', when: { field: 'source', op: 'in_list', value: 'partners' } },
        { id: 'a', channel: 'B', when: { field: 'source', op: 'exists' } },
      ],
    }),
  );
  assert.deepEqual(issues, [
    'rules[0].when.value: unknown list "partners" (known: search, social, video, shopping, email, ai)',
    'rules[1].id: duplicate rule id "a" (also rules[0])',
  ]);
  // the error message carries every issue, for the CLI and the API
  assert.throws(
    () =>
      compileRules({
        rules: [
          { id: 'x', channel: 'X', when: { field: 'source', op: 'eq' as 'equals', value: 'a' } },
        ],
      }),
    /rules\[0\]\.when\.op: unknown operator "eq"/,
  );
});

test('custom rule before the defaults wins; after the defaults it never fires for paid social', () => {
  const url = 'https://ex.com/?utm_source=LinkedIn&utm_medium=paid_social';
  const before = compileRules(resolveRulesConfig({ before: [linkedinAds] }));
  const x = explainLanding({ url, rules: before });
  assert.equal(x.channel, 'LinkedIn Ads');
  assert.deepEqual(x.rule && [x.rule.id, x.rule.position], ['linkedin-ads', 1]);
  assert.deepEqual(x.tried, []);
  const after = compileRules(resolveRulesConfig({ after: [linkedinAds] }));
  const y = explainLanding({ url, rules: after });
  assert.equal(y.channel, 'Paid Social');
  assert.deepEqual(y.rule && [y.rule.id, y.rule.position], ['paid-social', 5]);
  assert.deepEqual(
    y.tried.map((r) => r.id),
    ['direct', 'cross-network', 'paid-shopping', 'paid-search'],
  );
});

test('reordering: Email moved before Referral flips the pinned case', () => {
  const touch = { source: 'email', medium: 'referral' };
  assert.equal(defaultCompiledRules().classify(touch).channel, 'Referral');
  const set = resolveRulesConfig({ move: [{ rule: 'email', before: 'referral' }] });
  assert.deepEqual(
    set.rules.slice(12, 15).map((r) => r.id),
    ['email', 'referral', 'affiliates'],
  );
  assert.equal(compileRules(set).classify(touch).channel, 'Email');
  const later = resolveRulesConfig({ move: [{ rule: 'direct', after: 'mobile-push' }] });
  assert.equal(later.rules.at(-1)?.id, 'direct');
  assert.equal(later.rules.length, 18);
});

test('remove, extends none, full replacement', () => {
  const noCross = compileRules(resolveRulesConfig({ remove: ['cross-network'] }));
  assert.equal(
    noCross.classify({ source: 'google', medium: 'cpc', campaign: 'x-cross-network' }).channel,
    'Paid Search',
  );
  const only = compileRules(resolveRulesConfig({ extends: 'none', after: [linkedinAds] }));
  assert.equal(only.rules.length, 1);
  assert.equal(only.classify({ source: 'google', medium: 'cpc' }).channel, 'Unassigned');
  const replaced = resolveRulesConfig({ rules: [linkedinAds] });
  assert.deepEqual(
    replaced.rules.map((r) => r.id),
    ['linkedin-ads'],
  );
});

test('config errors name the place in the file', () => {
  const issues = issuesOf(() =>
    resolveRulesConfig({
      before: [
        {
          id: 'email',
          channel: 'Mine',
          when: { field: 'source', op: 'in_list', value: 'partners' },
        },
      ],
      remove: ['nope'],
      move: [
        { rule: 'emial', before: 'referral' },
        { rule: 'referral', after: 'ghost' },
      ],
    }),
  );
  assert.deepEqual(issues, [
    'before[0].when.value: unknown list "partners" (known: search, social, video, shopping, email, ai)',
    '(default rule "email").id: duplicate rule id "email" (also before[0])',
    'remove[0]: unknown rule id "nope"',
    'move[0].rule: unknown rule id "emial"',
    'move[1].after: unknown rule id "ghost"',
  ]);
  assert.match(
    issuesOf(() => resolveRulesConfig({ move: [{ rule: 'email' }] })).join(),
    /move\[0\]: give exactly one of "before" or "after"/,
  );
  assert.match(
    issuesOf(() => resolveRulesConfig({ extends: 'ga4', rules: [] })).join(),
    /extends: must be "ga4-default" or "none"/,
  );
  assert.match(
    issuesOf(() => resolveRulesConfig({ extends: 'ga4-default', rules: [] })).join(),
    /cannot be combined/,
  );
});

test('named lists: hosts match subdomains; a list named like a built-in one extends it', () => {
  const set = resolveRulesConfig({
    lists: { partners: ['Acme.com', 'partner-newsletter'], social: ['mastodon.example'] },
    before: [
      {
        id: 'partners',
        channel: 'Partners',
        platform: 'Partner network',
        when: { field: 'source', op: 'in_list', value: 'partners' },
      },
    ],
  });
  const rules = compileRules(set);
  assert.deepEqual(rules.classify({ source: 'blog.acme.com', medium: 'referral' }), {
    channel: 'Partners',
    platform: 'Partner network',
    ruleId: 'partners',
  });
  assert.equal(
    rules.classify({ source: 'PARTNER-NEWSLETTER', medium: 'email' }).channel,
    'Partners',
  );
  assert.equal(rules.classify({ source: 'notacme.com', medium: 'referral' }).channel, 'Referral');
  assert.equal(
    rules.classify({ source: 'mastodon.example', medium: 'referral' }).channel,
    'Organic Social',
  );
  assert.equal(
    rules.classify({ source: 'facebook', medium: 'referral' }).channel,
    'Organic Social',
  );
});

test('operators: not, any, exists, starts_with, ends_with, contains, platform and click_id fields', () => {
  const rules = compileRules({
    rules: [
      {
        id: 'brand',
        channel: 'Brand',
        when: {
          all: [
            { field: 'platform', op: 'equals', value: 'google' },
            { field: 'campaign', op: 'starts_with', value: 'BRAND_' },
          ],
        },
      },
      {
        id: 'gclid-untagged',
        channel: 'Google untagged',
        when: {
          all: [
            { field: 'click_id.gclid', op: 'exists' },
            { field: 'decided_by', op: 'equals', value: 'click_id' },
          ],
        },
      },
      {
        id: 'no-campaign',
        channel: 'No campaign',
        when: {
          all: [
            { field: 'medium', op: 'ends_with', value: 'letter' },
            { field: 'campaign', op: 'exists', value: false },
          ],
        },
      },
      {
        id: 'not-paid',
        channel: 'Other',
        when: { not: { field: 'medium', op: 'contains', value: 'paid' } },
      },
    ],
  });
  assert.equal(
    rules.classify({ source: 'www.google.de', medium: 'cpc', campaign: 'brand_DE' }).ruleId,
    'brand',
  );
  assert.equal(
    rules.classify({ source: 'bing', medium: 'cpc', campaign: 'brand_DE' }).ruleId,
    'not-paid',
  );
  assert.equal(
    rules.classify({
      source: 'google',
      medium: 'cpc',
      decidedBy: 'click_id',
      clickIds: { gclid: 'x' },
    }).ruleId,
    'gclid-untagged',
  );
  assert.equal(
    rules.classify({ source: 'google', medium: 'cpc', decidedBy: 'utm', clickIds: { gclid: 'x' } })
      .ruleId,
    'not-paid',
  );
  assert.equal(
    rules.classify({ source: 'x', medium: 'newsletter', campaign: '(not set)' }).ruleId,
    'no-campaign',
  );
  assert.equal(
    rules.classify({ source: 'x', medium: 'newsletter', campaign: 'spring' }).ruleId,
    'not-paid',
  );
  assert.deepEqual(rules.classify({ source: 'zz', medium: 'paid' }), {
    channel: 'Unassigned',
    platform: '(other)',
    ruleId: null,
  });
});

test('the classifier keeps no state between calls (its scratch record is reused)', () => {
  const rules = defaultCompiledRules();
  const a = { source: 'google', medium: 'cpc', clickIds: { gclid: 'x' } };
  const b = { source: 'newsletter', medium: 'email' };
  const first = rules.classify(a);
  assert.equal(rules.classify(b).channel, 'Email');
  assert.equal(rules.classify({}).channel, 'Unassigned');
  assert.deepEqual(rules.classify(a), first);
  assert.equal(
    rules.classify({ source: 'facebook', medium: 'cpc', platform: 'Meta Ads' }).platform,
    'Meta Ads',
    'a given platform is kept',
  );
});

test('loadRulesFile: reads, resolves, and reports bad files by name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'channels-'));
  try {
    const good = join(dir, 'rules.json');
    await writeFile(good, JSON.stringify({ before: [linkedinAds] }));
    const set = await loadRulesFile(good);
    assert.equal(set.rules[0]?.id, 'linkedin-ads');
    const badJson = join(dir, 'bad.json');
    await writeFile(badJson, '{ "before": [ ');
    await assert.rejects(
      loadRulesFile(badJson),
      (err: Error) =>
        err instanceof RuleSetError &&
        err.message.includes(badJson) &&
        /not valid JSON/.test(err.message),
    );
    const badRule = join(dir, 'bad-rule.json');
    await writeFile(
      badRule,
      JSON.stringify({
        before: [{ ...linkedinAds, when: { field: 'medium', op: 'eq', value: 'x' } }],
      }),
    );
    await assert.rejects(loadRulesFile(badRule), /before\[0\]\.when\.op: unknown operator "eq"/);
    await assert.rejects(loadRulesFile(join(dir, 'missing.json')), /cannot read the file: ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
