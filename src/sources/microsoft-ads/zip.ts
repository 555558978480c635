// The report download is a zip holding one CSV: read with fflate (a maintained zip library), whose
// reader takes the sizes from the central directory, so local headers that defer them to a data
// descriptor (as the service writes them) read too.
import { unzipSync } from 'fflate';

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
