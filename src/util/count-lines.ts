import { createReadStream } from 'node:fs';

/** Counts lines that hold anything but white space, streaming (flat memory for any file size). */
export async function countNonBlankLines(path: string): Promise<number> {
  let count = 0;
  let sawContent = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10) {
        if (sawContent) count++;
        sawContent = false;
      } else if (!sawContent && b !== 32 && b !== 9 && b !== 13) {
        sawContent = true;
      }
    }
  }
  if (sawContent) count++;
  return count;
}
