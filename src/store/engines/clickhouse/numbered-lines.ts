// A file's lines with their numbers, `N<TAB>line` each, as the body of an import sent to a ClickHouse
// server: the server reads it as LineAsString and splits the number off, since a stream read through
// input() has no row numbers of its own. Bytes pass through untouched (a line need not be UTF-8, nor
// escaped), a chunk at a time, so memory stays flat for any file size.
import { createReadStream } from 'node:fs';

/** The file's lines, split at \n only (as the embedded engine's file() and DuckDB's reader split). */
export async function* numberedLines(
  path: string,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<Buffer> {
  let lineNo = 1;
  let atLineStart = true;
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const parts: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      if (atLineStart) {
        parts.push(Buffer.from(`${lineNo}\t`));
        atLineStart = false;
      }
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        parts.push(chunk.subarray(start));
        break;
      }
      parts.push(chunk.subarray(start, nl + 1));
      lineNo++;
      atLineStart = true;
      start = nl + 1;
    }
    yield Buffer.concat(parts);
    onBytes?.(bytesRead);
  }
  // a last line without its \n still ends its row
  if (!atLineStart) yield Buffer.from('\n');
}
