// `npx tsx tracker/build.ts` prints the snippet's size (the product limit is 2 KB gzipped).
// The bundling itself lives with the server, which serves the result at /cl.js.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, TRACKER_GZIP_LIMIT } from '../src/collect/tracker-bundle.js';

export { buildTracker, TRACKER_GZIP_LIMIT, type BuiltTracker } from '../src/collect/tracker-bundle.js';

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { code, gzipBytes } = await buildTracker();
  console.log(`cl.js: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (limit ${TRACKER_GZIP_LIMIT})`);
}
