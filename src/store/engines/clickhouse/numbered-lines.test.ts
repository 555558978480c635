// The numbered lines sent to a server: every line of the file, blank ones and the last one without its
// \n included, numbered from 1, bytes untouched, across the reader's chunks.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test-helpers/tmp.js';
import { numberedLines } from './numbered-lines.js';

async function numbered(bytes: Buffer): Promise<Buffer> {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'f.ndjson');
    writeFileSync(file, bytes);
    const out: Buffer[] = [];
    for await (const b of numberedLines(file)) out.push(b);
    return Buffer.concat(out);
  } finally {
    cleanup();
  }
}

test('lines are numbered from 1, blank ones too, bytes as they are', async () => {
  const bytes = Buffer.concat([
    Buffer.from('{"a":1}\n\n\t\r\n'),
    Buffer.from([0xff, 0x00, 0x09]),
    Buffer.from('\nlast'),
  ]);
  assert.deepEqual(
    await numbered(bytes),
    Buffer.concat([
      Buffer.from('1\t{"a":1}\n2\t\n3\t\t\r\n4\t'),
      Buffer.from([0xff, 0x00, 0x09]),
      Buffer.from('\n5\tlast\n'),
    ]),
  );
  assert.deepEqual(await numbered(Buffer.from('x\n')), Buffer.from('1\tx\n'));
  assert.deepEqual(await numbered(Buffer.alloc(0)), Buffer.alloc(0));
});

test('lines longer than a chunk, and lines across chunks, keep their numbers', async () => {
  const long = 'y'.repeat(3 * 2 ** 20);
  const lines = ['a', long, ...Array.from({ length: 200_000 }, (_, i) => `line ${i}`), 'z'];
  const out = (await numbered(Buffer.from(lines.join('\n') + '\n'))).toString('latin1').split('\n');
  assert.equal(out.pop(), '');
  assert.equal(out.length, lines.length);
  out.forEach((l, i) => assert.equal(l, `${i + 1}\t${lines[i]}`));
});
