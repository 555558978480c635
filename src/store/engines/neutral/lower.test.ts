import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fn, sql } from './sql.js';
import { evalOverTexts } from '../../../test-helpers/engine-values.js';
import { openTestStore } from '../../../test-helpers/store.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import type { Store } from '../../store.js';

async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await run(store);
  } finally {
    await store.close();
    cleanup();
  }
}

const engineLower = async (store: Store, texts: readonly string[]): Promise<unknown[]> =>
  (await evalOverTexts(store, texts, { l: sql`${fn.lower('v')}` })).map((r) => r.l);

test('fn.lower lower-cases every code point as JavaScript does, İ and the new letters of Unicode 16 included', async () => {
  const cased: string[] = [];
  for (let c = 1; c < 0x110000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCodePoint(c);
    if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) cased.push(ch);
  }
  assert.ok(cased.length > 2500);
  await withStore(async (store) => {
    for (let at = 0; at < cased.length; at += 500) {
      const chunk = cased.slice(at, at + 500);
      const got = await engineLower(store, chunk);
      const wrong = chunk.filter((ch, i) => got[i] !== ch.toLowerCase());
      assert.deepEqual(wrong, [], 'code points the engine lower-cases otherwise');
    }
  });
});

test('fn.lower: a word-final Σ is ς, one before a letter σ, case-ignorable characters skipped', async () => {
  const texts = [
    'ΑΣ',
    'ΓΙΩΡΓΟΣ@x.gr',
    'ΑΣΑ',
    'Σ',
    'ΑΣΣ',
    'ΣΣΣ',
    "Α'Σ",
    "ΑΣ'Α",
    'Α\u0301Σ',
    'ʰΣ',
    'utm_campaign=ΟΔΟΣ&x=1',
    'ÀΣ é',
    'İstanbul',
  ];
  await withStore(async (store) => {
    assert.deepEqual(
      await engineLower(store, texts),
      texts.map((t) => t.toLowerCase()),
    );
  });
});

// Greek capitals and small letters, case-ignorable marks and punctuation, other cased letters, and
// anything else: the contexts that decide a sigma.
const piece = fc.oneof(
  fc.constantFrom('Σ', 'Σ', 'σ', 'ς', 'Α', 'α', 'İ', 'I', 'ʰ', '\u0301', "'", '.', ':', '\u00ad'),
  fc.constantFrom('@', ' ', '=', '&', 'a', 'Z', 'É', '1', '\u{10d50}', '\u{16ea0}'),
  fc.string({ maxLength: 2, unit: 'grapheme' }),
  fc.string({ maxLength: 2, unit: 'binary' }),
);
const textArb = fc
  .array(piece, { maxLength: 8 })
  .map((p) => p.join('').replaceAll('\u0000', ''))
  // whole code points only: a lone surrogate is not text an engine stores
  .filter((t) => !/\p{Cs}/u.test(t));

test('fn.lower agrees with toLowerCase on arbitrary text', async () => {
  await withStore(async (store) => {
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { minLength: 1, maxLength: 60 }), async (texts) => {
        assert.deepEqual(
          await engineLower(store, texts),
          texts.map((t) => t.toLowerCase()),
        );
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });
});
