// `npx tsx tracker/build.ts` prints the snippet's size against its limit and the product's target.
// The bundling itself lives with the server, which serves the result at /cl.js.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, TRACKER_GZIP_LIMIT, TRACKER_GZIP_TARGET } from '../src/collect/tracker-bundle.js';

export { buildTracker, TRACKER_GZIP_LIMIT, TRACKER_GZIP_TARGET, type BuiltTracker } from '../src/collect/tracker-bundle.js';

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { code, gzipBytes } = await buildTracker();
  console.log(`cl.js: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (limit ${TRACKER_GZIP_LIMIT}, target ${TRACKER_GZIP_TARGET})`);
}
