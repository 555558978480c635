import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseValue } from '../derive/identity/normalise.js';
import { erasePerson } from '../derive/person-privacy.js';
import { erasedIdValueSql as chValueSql } from '../store/engines/clickhouse/import-sql.js';
import { erasedIdValueSql as duckValueSql } from '../store/engines/duckdb/erased-identifiers.js';
import { raw, sql } from '../store/engines/neutral/sql.js';
import { evalOverTexts } from '../test-helpers/engine-values.js';
import { openTestStore, testEngine, withPropertyStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { ERASED_ID_SPECS, erasedIdValue } from './erased-ids.js';
import { TRIMMED_CHARS } from './opaque-id.js';

const pad = fc.constantFrom(...[...TRIMMED_CHARS], '', '', ' ', '\u200b', '\u0085');
const piece = fc.oneof(
  fc.constantFrom('mailto:', 'MAILTO:', 'MailTo: ', '@', '.', 'Ann', 'x.gr', 'İ', 'ΓΙΩΡΓΟΣ', 'Σ'),
  fc.constantFrom('\u{10d50}', '\u{16ea0}', 'ᲊ', "'", '\u0301', 'É'),
  fc.string({ maxLength: 3, unit: 'grapheme' }),
  pad,
);
const textArb = fc
  .tuple(pad, fc.array(piece, { maxLength: 6 }), pad)
  .map(([a, p, b]) => `${a}${p.join('')}${b}`.replaceAll('\u0000', ''))
  .filter((t) => !/\p{Cs}/u.test(t));

test('erasedIdValue spells every identifier derive/identity accepts as it normalises it (the tombstone)', () => {
  fc.assert(
    fc.property(textArb, fc.constantFrom(...ERASED_ID_SPECS), (text, spec) => {
      const n = normaliseValue(spec.kind, text);
      if (n.value !== undefined) assert.equal(erasedIdValue(spec, text), n.value);
    }),
    { numRuns: 2000, seed: 20261207 },
  );
  assert.equal(
    erasedIdValue(
      ERASED_ID_SPECS.find((s) => s.kind === 'email')!,
      ' MailTo: ΓΙΩΡΓΟΣ@X.gr\u3000',
    ),
    'γιωργος@x.gr',
  );
});

test("the engine's load check spells an event's identifiers exactly as the reference does, on arbitrary text", async () => {
  const render = testEngine() === 'clickhouse' ? chValueSql : duckValueSql;
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { minLength: 1, maxLength: 40 }), async (texts) => {
        const columns = Object.fromEntries(
          ERASED_ID_SPECS.map((s) => [s.kind, sql`${raw(render(s, 'v'))}`]),
        );
        const got = await evalOverTexts(store, texts, columns);
        assert.deepEqual(
          got,
          texts.map((t) =>
            Object.fromEntries(ERASED_ID_SPECS.map((s) => [s.kind, erasedIdValue(s, t)])),
          ),
        );
      }),
      { numRuns: 40, seed: 20261207 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});

test('an erased Greek e-mail with a word-final sigma stays erased when an old event naming it is loaded again', async () => {
  await withPropertyStore(async (nextRun) => {
    const { store, workspaceId: ws, load } = await nextRun();
    const identify = (messageId: string, anonymousId: string, email: string) => ({
      type: 'identify',
      messageId,
      anonymousId,
      timestamp: '2026-04-01T10:00:00Z',
      traits: { email },
    });
    assert.equal(await load([identify('m1', 'a1', 'ΓΙΩΡΓΟΣ@x.gr')]), 1);
    assert.ok(await erasePerson(store, ws, { email: 'ΓΙΩΡΓΟΣ@x.gr' }, { via: 'cli' }));
    // the same old event re-sent, and another from before the erasure spelling her e-mail otherwise
    assert.equal(
      await load([
        identify('m1', 'a1', 'ΓΙΩΡΓΟΣ@x.gr'),
        identify('m2', 'a2', ' mailto:ΓιώργοΣ@X.GR'),
      ]),
      1,
      'only the event spelling another address loads',
    );
    assert.equal(
      await load([identify('m3', 'a3', ' MAILTO:ΓΙΩΡΓΟΣ@X.GR ')]),
      0,
      'her e-mail in any case and padding is erased',
    );
  });
});
