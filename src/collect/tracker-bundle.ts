// Bundles the browser snippet (tracker/src) into one minified IIFE. The server does it once at start,
// so `/cl.js` always matches the running version; `npx tsx tracker/build.ts` prints its size.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The product's target for the snippet (bytes gzipped, level 9); not met yet: see docs/tracker.md "Size". */
export const TRACKER_GZIP_TARGET = 1536;
/** What the current feature set needs (see docs/tracker.md "Size"); a test keeps it from growing unnoticed. */
export const TRACKER_GZIP_LIMIT = 2304;

export interface BuiltTracker {
  code: string;
  gzipBytes: number;
}

// src/collect and dist/collect both sit two levels below the package root.
const ENTRY = fileURLToPath(new URL('../../tracker/src/index.ts', import.meta.url));

/** Bundles tracker/src/index.ts for the browser (ES2017). Minified unless `minify: false`. */
export async function buildTracker(opts: { minify?: boolean } = {}): Promise<BuiltTracker> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // ES2019: object spread and catch without a binding (every browser since 2018) save bytes.
    target: 'es2019',
    minify: opts.minify ?? true,
    legalComments: 'none',
    // A last guard: nothing thrown while the snippet starts can reach the host page.
    banner: { js: 'try{' },
    footer: { js: '}catch{}' },
    logLevel: 'silent',
    // Not the repository's tsconfig (it would add a "use strict" that costs bytes and does nothing here).
    tsconfigRaw: {},
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, gzipBytes: gzipSync(code, { level: 9 }).length };
}
