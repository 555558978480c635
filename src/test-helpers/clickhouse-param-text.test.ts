import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openTestChdb } from './clickhouse.js';
import {
  paramValue,
  placeholderTypes,
  readLiteral,
  TupleParam,
  unescapeText,
} from './clickhouse-param-text.js';

describe('parameter texts', () => {
  test('placeholderTypes reads each {name:Type}, nested types included', () => {
    const types = placeholderTypes(
      'SELECT {a:Array(String)}, { m : Map(String, Array(Int64)) }, \'{"j":1}\', {n:Nullable(Int64)}',
    );
    assert.deepEqual(
      [...types],
      [
        ['a', 'Array(String)'],
        ['m', 'Map(String, Array(Int64))'],
        ['n', 'Nullable(Int64)'],
      ],
    );
  });

  test('unescapeText undoes the escaped (TSV) form', () => {
    assert.equal(unescapeText("it\\'s\\ta\\nb\\\\c\\0\\x41\\q"), "it's\ta\nb\\c\0Aq");
    assert.equal(unescapeText('plain'), 'plain');
    assert.equal(unescapeText('trailing\\'), 'trailing\\');
  });

  test('readLiteral reads arrays, tuples, maps, strings, numbers, NULL and booleans', () => {
    const read = readLiteral(
      "[ 'a\\'b', NULL, [1, -2.5], (3,'x'), {'k':true} , 12345678901234567890 ]",
    );
    assert.ok(read.ok);
    assert.deepEqual(read.value, [
      "a'b",
      null,
      [1, -2.5],
      new TupleParam([3, 'x']),
      new Map([['k', true]]),
      12345678901234567890n,
    ]);
    for (const bad of ["['a'", "['a'] x", '[nan]', "['a' 'b']", '{1}'])
      assert.equal(readLiteral(bad).ok, false, bad);
  });

  test('paramValue: by the declared type', () => {
    assert.equal(paramValue("it\\'s", 'String'), "it's");
    assert.equal(paramValue('\\N', 'Nullable(String)'), null);
    assert.equal(paramValue('\\N', 'String'), 'N');
    assert.deepEqual(paramValue("['a','b']", 'LowCardinality(Nullable(Array(String)))'), [
      'a',
      'b',
    ]);
    assert.equal(paramValue("['a','b']", 'String'), "['a','b']");
    // not a literal of its type: passed on as text, for the engine to refuse as a server would
    assert.equal(paramValue("['a'", 'Array(String)'), "['a'");
  });

  test('chdb binds each decoded value to what the text meant', async () => {
    const o = await openTestChdb();
    try {
      // texts as @clickhouse/client writes them, with the value each stands for
      const cases: [string, string, unknown][] = [
        ['String', "it\\'s \\\\ \\t\\n\\r end", "it's \\ \t\n\r end"],
        ['Array(String)', "['a','b\\'c','\\\\','\\n']", ['a', "b'c", '\\', '\n']],
        ['Array(Nullable(Int64))', '[1,NULL,-3]', [1, null, -3]],
        ['Tuple(Int64, String)', "(7,'x\\'y')", [7, "x'y"]],
        ['Map(String, Array(Int64))', "{'k':[1,2],'j\\'':[]}", { k: [1, 2], "j'": [] }],
        ['Nullable(String)', '\\N', null],
        ['Int64', '42', 42],
        ['Array(Array(String))', "[['a'],[],['b','c']]", [['a'], [], ['b', 'c']]],
      ];
      for (const [type, text, expected] of cases) {
        const rows = await o.conn.query<{ v: unknown }>(`SELECT {p:${type}} AS v`, {
          p: paramValue(text, type),
        });
        assert.deepEqual(rows, [{ v: expected }], `${type} ${text}`);
      }
    } finally {
      await o.close();
    }
  });
});
