import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countNonBlankLines } from './count-lines.js';

test('counts non-blank lines, with or without a final newline, ignoring blank and CRLF-only lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-'));
  const cases: [string, number][] = [
    ['', 0],
    ['a', 1],
    ['a\n', 1],
    ['a\n\n  \n\r\nb\r\n', 2],
    ['{"x":1}\n{"y":2}\n{"z":3}', 3],
  ];
  for (const [i, [text, n]] of cases.entries()) {
    const f = join(dir, `f${i}`);
    writeFileSync(f, text);
    assert.equal(await countNonBlankLines(f), n, JSON.stringify(text));
  }
});
