// The report download is a zip holding one CSV: read with fflate (a maintained zip library), whose
// reader takes the sizes from the central directory, so local headers that defer them to a data
// descriptor (as the service writes them) read too.
import { Unzip, UnzipInflate, unzipSync } from 'fflate';

export const isZip = (bytes: Buffer): boolean =>
  bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;

/** The entries of a zip: name and content. Throws on what it cannot read (encrypted, other methods). */
export function unzip(bytes: Buffer): { name: string; data: Buffer }[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new Error(
      `not a readable zip file: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  return Object.entries(files)
    .filter(([name]) => !name.endsWith('/'))
    .map(([name, data]) => ({ name, data: Buffer.from(data) }));
}

/**
 * The content of a zip's first file, as the zip's bytes arrive (fflate's streaming Unzip reads the local
 * headers, and finds the end of an entry whose sizes a data descriptor gives by its signature); the other
 * entries are passed over. Memory: a chunk's inflated bytes, not the file's.
 */
export async function* unzipFirst(zip: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const unzipper = new Unzip();
  unzipper.register(UnzipInflate);
  let out: Uint8Array[] = [];
  let failure: Error | undefined;
  let found = false;
  unzipper.onfile = (file) => {
    if (found || file.name.endsWith('/')) return;
    found = true;
    file.ondata = (err, data) => {
      if (err) failure ??= err;
      else if (data.length > 0) out.push(data);
    };
    file.start();
  };
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzipper.push(chunk, final);
    } catch (err) {
      failure ??= err as Error;
    }
    if (failure) throw new Error(`not a readable zip file: ${failure.message}`, { cause: failure });
    const ready = out;
    out = [];
    return ready;
  };
  for await (const chunk of zip) yield* push(chunk, false);
  yield* push(new Uint8Array(0), true);
  if (!found) throw new Error('not a readable zip file: it holds no file');
}
