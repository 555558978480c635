// Bundles the browser snippet (tracker/src) into two minified IIFEs: cl.js, which every page loads
// (tracker/src/index.ts), and the lazy part it requests only when needed (tracker/src/lazy/: form
// capture, link clicks, SPA page views, delivery after a failure), named by its content hash. The server does it once at start, so both
// always match the running version; `npx tsx tracker/build.ts` prints their sizes.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

/** The product's target for cl.js, what every page loads (bytes gzipped, level 9); not met yet: see docs/tracker.md "Size". */
export const TRACKER_GZIP_TARGET = 1536;
/** What cl.js needs today (see docs/tracker.md "Size"); a test keeps it from growing unnoticed. */
export const TRACKER_GZIP_LIMIT = 1823;
/** The same guard for the lazy part (forms, link clicks, SPA page views, delivery after a failure). */
export const TRACKER_LAZY_GZIP_LIMIT = 1044;

export interface BuiltScript {
  code: string;
  gzipBytes: number;
}
export interface BuiltTracker extends BuiltScript {
  /** The lazy part; cl.js requests it as `<its own URL>?<hash>`. */
  lazy: BuiltScript & { hash: string };
}

// src/collect and dist/collect both sit two levels below the package root.
const source = (path: string): string => fileURLToPath(new URL(`../../tracker/src/${path}`, import.meta.url));
/** Stands for the lazy part's hash while cl.js is built (the hash is known only after the lazy build). */
const PLACEHOLDER = 'LAZY_HASH_PLACEHOLDER';

const gzipBytes = (code: string): number => gzipSync(code, { level: 9 }).length;

/** Bundles cl.js and its lazy part for the browser (ES2019). Minified unless `minify: false`. */
export async function buildTracker(opts: { minify?: boolean } = {}): Promise<BuiltTracker> {
  const options: BuildOptions = {
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // ES2019: object spread and catch without a binding (every browser since 2018) save bytes.
    target: 'es2019',
    minify: opts.minify ?? true,
    // The private members the two parts share (tracker/src/shared.ts) get one-letter names, the same
    // in both: the lazy build starts from the cache the first one filled.
    mangleProps: /^\$/,
    legalComments: 'none',
    // A last guard: nothing thrown while a part starts can reach the host page.
    banner: { js: 'try{' },
    footer: { js: '}catch{}' },
    logLevel: 'silent',
    // Not the repository's tsconfig (it would add a "use strict" that costs bytes and does nothing here).
    tsconfigRaw: {},
  };
  const core = await build({
    ...options,
    entryPoints: [source('index.ts')],
    define: { LAZY_HASH: JSON.stringify(PLACEHOLDER) },
    mangleCache: {},
  });
  const lazy = await build({ ...options, entryPoints: [source('lazy/index.ts')], mangleCache: core.mangleCache });
  const lazyCode = lazy.outputFiles?.[0]?.text ?? '';
  const hash = createHash('sha256').update(lazyCode).digest('hex').slice(0, 8);
  const code = (core.outputFiles?.[0]?.text ?? '').replace(PLACEHOLDER, hash);
  return { code, gzipBytes: gzipBytes(code), lazy: { code: lazyCode, gzipBytes: gzipBytes(lazyCode), hash } };
}
