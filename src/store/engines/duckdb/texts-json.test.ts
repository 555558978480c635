// A list of texts bound as one JSON text (textsAsJson) reads back in the engine item for item: quotes,
// backslashes, NUL, emoji, empty texts and NULLs as they were; a lone surrogate as U+FFFD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db, textsAsJson, textsFromJson } from './connection.js';

test('texts bound as JSON read back item for item in the engine', async () => {
  const db = await Db.open(':memory:');
  try {
    const values = [
      'a"b',
      'c\\d',
      'é\u0000x',
      '😀',
      '',
      null,
      'lone \ud800 high',
      'lone \udc00 low',
      'pair \ud83d\ude00',
    ];
    const rows = await db.query(
      `SELECT i, x FROM (SELECT unnest(${textsFromJson('$l')}) AS x, generate_subscripts(${textsFromJson('$l')}, 1) AS i) ORDER BY i`,
      { l: textsAsJson(values) },
    );
    assert.deepEqual(
      rows.map((r) => r.x),
      ['a"b', 'c\\d', 'é\u0000x', '😀', '', null, 'lone \ufffd high', 'lone \ufffd low', 'pair 😀'],
    );
  } finally {
    await db.close();
  }
});
