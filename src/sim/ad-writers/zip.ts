/** A one-entry zip, as Microsoft Advertising's report download is: the CSV deflated (fflate). */
import { zipSync } from 'fflate';

export function zipOne(
  name: string,
  data: Buffer,
  modified = new Date(Date.UTC(2026, 0, 1)),
): Buffer {
  return Buffer.from(zipSync({ [name]: [new Uint8Array(data), { mtime: modified }] }));
}
