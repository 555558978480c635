// A one-entry zip as the Reporting service's download is (deflated), written by fflate for tests so the
// reader is checked against a real zip, not against itself.
import { zipSync } from 'fflate';

export function zipOf(name: string, data: Buffer): Buffer {
  return Buffer.from(zipSync({ [name]: new Uint8Array(data) }));
}
