import { createReadStream } from 'node:fs';

const isSpace = (b: number) => b === 32 || b === 9 || b === 13;

/**
 * Counts lines that hold anything but white space, streaming (flat memory for any file size).
 * Newlines are found with Buffer.indexOf (native), and a line is inspected only up to its first
 * non-blank byte, so a large NDJSON file costs little CPU beside the engine's own reading.
 */
export async function countNonBlankLines(path: string): Promise<number> {
  let count = 0;
  let sawContent = false; // in the line that continues from the previous chunk
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!sawContent) {
        for (let i = start; i < end; i++) {
          if (!isSpace(chunk[i]!)) {
            sawContent = true;
            break;
          }
        }
      }
      if (nl === -1) break;
      if (sawContent) count++;
      sawContent = false;
      start = nl + 1;
    }
  }
  if (sawContent) count++;
  return count;
}
