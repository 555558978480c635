// A file's lines, a slice at a time, in bounded memory: the import paths read files of any size.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';

/** A slice ends at this many lines or this many characters, whichever comes first. */
export const SLICE_LINES = 50_000;
export const SLICE_CHARS = 32 * 2 ** 20;

/**
 * The lines of a file (split at \n only, as the bulk reader does), a slice at a time, with the number of
 * the first, and the indexes in the slice of the lines whose bytes are not UTF-8 (decoded here with
 * replacement characters, which the engine's reader refuses).
 */
export async function* lineSlices(
  path: string,
  maxLines = SLICE_LINES,
  maxChars = SLICE_CHARS,
): AsyncGenerator<{ first: number; lines: string[]; notUtf8: number[] }> {
  let lines: string[] = [];
  let notUtf8: number[] = [];
  let chars = 0;
  let first = 1;
  let carry: Buffer[] = []; // the start of a line that continues into the next chunk
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      const line = bytes.toString('utf8');
      carry = [];
      start = nl + 1;
      if (!isUtf8(bytes)) notUtf8.push(lines.length);
      lines.push(line);
      chars += line.length;
      if (lines.length >= maxLines || chars >= maxChars) {
        yield { first, lines, notUtf8 };
        first += lines.length;
        lines = [];
        notUtf8 = [];
        chars = 0;
      }
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) {
    const bytes = Buffer.concat(carry);
    if (!isUtf8(bytes)) notUtf8.push(lines.length);
    lines.push(bytes.toString('utf8'));
  }
  if (lines.length > 0) yield { first, lines, notUtf8 };
}
