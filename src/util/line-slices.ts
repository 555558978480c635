// A file's lines, a slice at a time, in bounded memory: the import paths read files of any size.
import { createReadStream } from 'node:fs';

/** A slice ends at this many lines or this many characters, whichever comes first. */
export const SLICE_LINES = 50_000;
export const SLICE_CHARS = 32 * 2 ** 20;

/** The lines of a file (split at \n only, as the bulk reader does), a slice at a time, with the number of the first. */
export async function* lineSlices(
  path: string,
  maxLines = SLICE_LINES,
  maxChars = SLICE_CHARS,
): AsyncGenerator<{ first: number; lines: string[] }> {
  let lines: string[] = [];
  let chars = 0;
  let first = 1;
  let carry: Buffer[] = []; // the start of a line that continues into the next chunk
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line =
        carry.length > 0
          ? Buffer.concat([...carry, piece]).toString('utf8')
          : piece.toString('utf8');
      carry = [];
      start = nl + 1;
      lines.push(line);
      chars += line.length;
      if (lines.length >= maxLines || chars >= maxChars) {
        yield { first, lines };
        first += lines.length;
        lines = [];
        chars = 0;
      }
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) lines.push(Buffer.concat(carry).toString('utf8'));
  if (lines.length > 0) yield { first, lines };
}
