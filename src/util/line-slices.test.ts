import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-helpers/tmp.js';
import { lineSlices } from './line-slices.js';

async function slices(path: string, maxLines: number, maxChars?: number) {
  const out: { first: number; lines: string[] }[] = [];
  for await (const s of lineSlices(path, maxLines, maxChars))
    out.push({ first: s.first, lines: [...s.lines] });
  return out;
}

test('lineSlices: split at \\n only, numbered from 1, a last line without \\n kept, multi-byte characters intact', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'a.ndjson');
    // a line far longer than a read chunk (1 MiB), with a 4-byte character straddling chunk borders
    const long = `{"x":"${'é𝄞'.repeat(400_000)}"}`;
    writeFileSync(f, ['a', '', 'b\r', long, 'c\rd', 'last'].join('\n'));
    const got = await slices(f, 2);
    assert.deepEqual(
      got.map((s) => s.first),
      [1, 3, 5],
    );
    assert.deepEqual(
      got.flatMap((s) => s.lines),
      ['a', '', 'b\r', long, 'c\rd', 'last'],
    );
    writeFileSync(f, 'a\nb\n');
    assert.deepEqual(await slices(f, 10), [{ first: 1, lines: ['a', 'b'] }]);
    // the character budget ends a slice too
    assert.deepEqual(
      (await slices(f, 10, 1)).map((s) => s.lines),
      [['a'], ['b']],
    );
  } finally {
    cleanup();
  }
});

test('lineSlices: the lines whose bytes are not UTF-8 are named by their index in the slice', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'a.ndjson');
    const bad = Buffer.from([0x61, 0xe9, 0x62]); // Latin-1 'aéb'
    writeFileSync(f, Buffer.concat([Buffer.from('ok\n'), bad, Buffer.from('\né\n'), bad]));
    const got: { first: number; notUtf8: number[] }[] = [];
    for await (const s of lineSlices(f, 2)) got.push({ first: s.first, notUtf8: s.notUtf8 });
    assert.deepEqual(got, [
      { first: 1, notUtf8: [1] },
      { first: 3, notUtf8: [1] },
    ]);
  } finally {
    cleanup();
  }
});
