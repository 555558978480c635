// `npx tsx tracker/build.ts` prints the snippet's sizes against its limits and the product's target.
// The bundling itself lives with the server, which serves the result at /cl.js (and /cl.js?<hash>).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, TRACKER_GZIP_LIMIT, TRACKER_GZIP_TARGET, TRACKER_LAZY_GZIP_LIMIT } from '../src/collect/tracker-bundle.js';

export {
  buildTracker,
  TRACKER_GZIP_LIMIT,
  TRACKER_GZIP_TARGET,
  TRACKER_LAZY_GZIP_LIMIT,
  type BuiltScript,
  type BuiltTracker,
} from '../src/collect/tracker-bundle.js';

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { code, gzipBytes, lazy } = await buildTracker();
  console.log(`cl.js: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (limit ${TRACKER_GZIP_LIMIT}, target ${TRACKER_GZIP_TARGET})`);
  console.log(`lazy part cl.js?${lazy.hash}: ${lazy.code.length} bytes minified, ${lazy.gzipBytes} bytes gzipped (limit ${TRACKER_LAZY_GZIP_LIMIT})`);
}
