import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonSyntaxError } from './json-syntax.js';

test('the first syntax error, with its line, column and a reason that does not quote the body', () => {
  assert.equal(jsonSyntaxError('{"a": [1, 2, {"b": null}], "c": "x\\u00e9"}'), undefined);
  assert.deepEqual(jsonSyntaxError('{"a":}'), {
    position: 5,
    line: 1,
    column: 6,
    reason: "expected a value, found '}'",
  });
  assert.deepEqual(jsonSyntaxError('{\n  "a": 1,\n}'), {
    position: 12,
    line: 3,
    column: 1,
    reason: "expected a property name in double quotes, found '}'",
  });
  assert.equal(jsonSyntaxError('[1,]')?.position, 3);
  assert.equal(jsonSyntaxError('{"a" 1}')?.reason, "expected ':' after a property name, found '1'");
  assert.equal(
    jsonSyntaxError('{"a":1}}')?.reason,
    "unexpected '}' after the end of the JSON value",
  );
  assert.equal(
    jsonSyntaxError('"tab\there"')?.reason,
    'character U+0009 must be escaped inside a string',
  );
  assert.equal(jsonSyntaxError('')?.reason, 'expected a value, found the end of the body');
  assert.equal(jsonSyntaxError('{"secret-password": x}')?.reason.includes('secret'), false);
  assert.equal(
    jsonSyntaxError('\ufeff{}'),
    undefined,
    'a byte-order mark is skipped, as body parsers do',
  );
});

test('deep nesting is scanned without recursion', () => {
  const deep = '['.repeat(200_000);
  assert.deepEqual(jsonSyntaxError(deep), {
    position: 200_000,
    line: 1,
    column: 200_001,
    reason: 'expected a value, found the end of the body',
  });
  assert.equal(jsonSyntaxError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), undefined);
});

test('agrees with JSON.parse on mutated JSON, and with V8 on the position where V8 gives one', () => {
  const noise = fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    ' ',
    '\n',
    '0',
    '-',
    '.',
    'e',
    't',
    'n',
    'x',
    '\u0001',
    'é',
  );
  const mutated = fc
    .tuple(
      fc.json({ maxDepth: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(2), noise), { minLength: 1, maxLength: 3 }),
    )
    .map(([json, edits]) => {
      let s = json;
      for (const [at, kind, ch] of edits) {
        const k = s.length === 0 ? 0 : at % (s.length + 1);
        s =
          kind === 0
            ? s.slice(0, k) + s.slice(k + 1)
            : kind === 1
              ? s.slice(0, k) + ch + s.slice(k)
              : s.slice(0, k) + ch + s.slice(k + 1);
      }
      return s;
    });
  fc.assert(
    fc.property(mutated, (text) => {
      let v8: Error | undefined;
      try {
        JSON.parse(text);
      } catch (err) {
        v8 = err as Error;
      }
      const ours = jsonSyntaxError(text.charCodeAt(0) === 0xfeff ? `\u0020${text.slice(1)}` : text);
      assert.equal(
        ours === undefined,
        v8 === undefined,
        `${JSON.stringify(text)}: V8 says ${v8?.message ?? 'valid'}, we say ${ours?.reason ?? 'valid'}`,
      );
      const at = v8 && /at position (\d+)/.exec(v8.message);
      if (at && ours)
        assert.equal(ours.position, Number(at[1]), `${JSON.stringify(text)}: ${v8!.message}`);
    }),
    { numRuns: 3000, seed: 12 },
  );
});
