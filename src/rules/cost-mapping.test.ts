// Cost mapping rules: the file's checks (every error names its field), and the engine's rendering of
// the rules (store/engines/neutral/cost-rules-sql.ts) held to the JavaScript reference over arbitrary
// session values, regular-expression characters in the values included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sql } from '../store/engines/neutral/sql.js';
import { ruleNumberSql } from '../store/engines/neutral/cost-rules-sql.js';
import { queryData } from '../test-helpers/engine-access.js';
import { rowsRelation } from '../test-helpers/engine-values.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import {
  firstCostRule,
  landingPath,
  parseCostMappingRules,
  type CostMappingRule,
} from './cost-mapping.js';

const base = { platform: 'google', campaign: '1' } as const;

test('a rule file is checked field by field; every problem is named by its path', () => {
  const ok = parseCostMappingRules({
    rules: [{ id: 'a', field: 'utm_campaign', op: 'equals', value: 'x', ...base, adGroup: '2' }],
  });
  assert.equal(ok.rules[0]?.adGroup, '2');
  const issues = (input: unknown) => {
    try {
      parseCostMappingRules(input);
      return [];
    } catch (err) {
      return (err as { issues: string[] }).issues;
    }
  };
  assert.deepEqual(
    issues({
      rules: [
        { id: 'a b', field: 'utm_content', op: 'equals', value: '', ...base },
        { id: 'r', field: 'utm_campaign', op: 'matches', value: '(', ...base },
        { id: 'r', field: 'utm_campaign', op: 'matches', value: 'a(?!b)', ...base, extra: 1 },
      ],
    }).map((i) => i.split(':')[0]),
    [
      'rules[0].id',
      'rules[0].field',
      'rules[0].value',
      'rules[1].value',
      'rules[2]',
      'rules[2].value',
    ],
  );
  assert.match(issues({ rules: 'x' })[0] ?? '', /^rules: /);
  assert.match(issues(null)[0] ?? '', /^\(file\): /);
});

const RULES: CostMappingRule[] = [
  { id: 'eq', field: 'utm_campaign', op: 'equals', value: 'A.b', ...base },
  { id: 'sw', field: 'utm_source', op: 'starts_with', value: 'x+', ...base },
  { id: 'ct', field: 'campaign_id', op: 'contains', value: '(1', ...base },
  { id: 'lp', field: 'landing_path', op: 'starts_with', value: '/Lp', ...base },
  { id: 'lp-root', field: 'landing_path', op: 'equals', value: '/', ...base },
  { id: 'mt', field: 'utm_medium', op: 'matches', value: '^c[pP]+c$|é', ...base },
  { id: 'any', field: 'utm_campaign', op: 'contains', value: 'b', ...base },
];

const text = fc.string({
  maxLength: 8,
  unit: fc.constantFrom(...'aAbB.+(1xXcCpP/é É?#'.split('')),
});
const url = fc
  .tuple(fc.constantFrom('', 'https://acme.io', 'http://x.y:8080', 'acme.io'), text, text)
  .map(([host, path, rest]) => `${host}${path}${rest}`);

test('the engine picks the first rule a session satisfies, as the reference does', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            campaign: text,
            source: text,
            medium: text,
            campaign_id: text,
            landing_url: url,
            decided_by: fc.constantFrom('utm', 'referrer'),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (sessions) => {
          const got = await queryData(
            store,
            sql`SELECT i, ${ruleNumberSql(RULES)} AS no FROM (${rowsRelation(sessions)}) s ORDER BY i`,
          );
          const want = sessions.map((s) => {
            const utm = s.decided_by === 'utm';
            const r = firstCostRule(RULES, {
              utm_campaign: s.campaign,
              utm_source: utm ? s.source : null,
              utm_medium: utm ? s.medium : null,
              landing_path: landingPath(s.landing_url),
              campaign_id: s.campaign_id,
            });
            return r === null ? null : RULES.indexOf(r) + 1;
          });
          assert.deepEqual(
            got.map((r) => (r.no === null || r.no === undefined ? null : Number(r.no))),
            want,
          );
        },
      ),
      { numRuns: 40, seed: 20261207 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});
