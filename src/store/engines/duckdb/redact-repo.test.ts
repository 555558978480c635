import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listValue } from '@duckdb/node-api';
import { redactEvent } from '../../../collect/redact-event.js';
import {
  compileRedaction,
  hintWords,
  DEFAULT_REDACT_SUBSTRINGS,
  DEFAULT_REDACT_WORDS,
} from '../../../collect/redaction-rules.js';
import type { RawEvent } from '../../types.js';
import { Db } from './connection.js';
import { candidatePattern } from '../neutral/redaction-queries.js';

const RULES = { extraNames: ['nonce', 'Member.Ref', 'shopKey'], identifyParam: 'cl_email' };

/** Which JSON texts the pre-filter selects, run by the engine as the stored-facts redaction runs it. */
async function selected(texts: string[]): Promise<boolean[]> {
  const db = await Db.open(':memory:');
  try {
    const rows = await db.query(
      `SELECT i, regexp_matches(CAST(CAST(t AS JSON) AS VARCHAR), $re) AS hit
       FROM (SELECT unnest($texts::VARCHAR[]) AS t, generate_subscripts($texts::VARCHAR[], 1) AS i) ORDER BY i`,
      { texts: listValue(texts), re: candidatePattern(hintWords(RULES)) },
    );
    return rows.map((r) => r.hit === true);
  } finally {
    await db.close();
  }
}

const casing = (w: string, how: number): string =>
  how === 0
    ? w
    : how === 1
      ? w.toUpperCase()
      : how === 2
        ? w[0]!.toUpperCase() + w.slice(1)
        : [...w].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');

/** Parameter names made of hint words, near-misses and other words, joined as real names are. */
const name = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          ...DEFAULT_REDACT_WORDS,
          ...DEFAULT_REDACT_SUBSTRINGS,
          'nonce',
          'member',
          'ref',
          'shop',
          'key',
          'cl_email',
        ),
        fc.constantFrom(
          'keyword',
          'spinner',
          'success',
          'pwa',
          'sidebar',
          'passive',
          'user',
          'api',
          'new',
          'x',
          '2',
          'utm_term',
          'gclid',
        ),
        fc.stringMatching(/^[a-zA-Z0-9]{1,6}$/),
      ),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('', '', '_', '-', '.', '[', ']', ' ', '+', '%20', '%5B'),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.map(([w, how, sep]) => casing(w, how) + sep).join(''))
  .filter((n) => n !== '' && !/[=&#?;]/.test(n));

/** Where a URL sits in an event: a page's URL, a bare query in properties, a fragment. */
const placed = fc
  .tuple(name, fc.constantFrom('url', 'search', 'hash', 'referrer'))
  .map(([n, where]): RawEvent => {
    const v = `${n}=v1`;
    if (where === 'url')
      return { type: 'page', context: { page: { url: `https://a.example/p?a=1&${v}` } } };
    if (where === 'search') return { type: 'page', properties: { search: v } };
    if (where === 'hash')
      return { type: 'page', context: { page: { url: `https://a.example/#/reset?${v}` } } };
    return {
      type: 'track',
      event: 'x',
      context: { referrer: { url: `https://b.example/?q=1;${v}` } },
    };
  });

test('the pre-filter selects every event the redaction would change (never misses one)', async () => {
  const compiled = compileRedaction(RULES);
  const events = fc.sample(placed, { numRuns: 4000, seed: 20261206 });
  const changed = events.filter((e) => redactEvent(e, compiled).names.length > 0);
  assert.ok(
    changed.length > 500,
    `only ${changed.length} generated events are redacted: the sample tests too little`,
  );
  const texts = changed.map(
    (e) => JSON.stringify(e.context ?? {}) + '\n' + JSON.stringify(e.properties ?? {}),
  );
  // context and properties are tested apart, as the stored-facts query does
  const hits = await selected(
    changed.flatMap((e) => [JSON.stringify(e.context ?? {}), JSON.stringify(e.properties ?? {})]),
  );
  const missed = texts.filter((_t, i) => !hits[2 * i] && !hits[2 * i + 1]);
  assert.deepEqual(missed.slice(0, 10), []);
});

test('the pre-filter passes over names that only contain a short word inside a longer one', async () => {
  const url = (q: string) => JSON.stringify({ page: { url: `https://a.example/lp?${q}` } });
  const [keyword, spinner, camel, upper, sub, word] = await selected([
    url('utm_term=crm&keyword=pipeline%20analytics'),
    url('spinner=1&passive=true&sidebar=2'),
    url('x=1&apiKey=abc'),
    url('API_KEY=abc'),
    url('oauthtoken=abc'),
    url('user[pin]=1234'),
  ]);
  assert.deepEqual({ keyword, spinner }, { keyword: false, spinner: false });
  assert.deepEqual(
    { camel, upper, sub, word },
    { camel: true, upper: true, sub: true, word: true },
  );
});
