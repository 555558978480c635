// Bundles the browser snippet (tracker/src) at build time into two minified IIFEs: cl.js, which every
// page loads (tracker/src/index.ts), and the lazy part it requests only when needed (tracker/src/lazy/:
// form capture, link clicks, SPA page views, delivery after a failure), named by its content hash.
// `npm run build` runs this file, which writes dist/tracker/ (the server serves those files) and prints
// the sizes; the tests bundle in memory with buildTracker().
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { minify as terser } from 'terser';
import { TRACKER_DIR, TRACKER_FILES } from '../src/collect/tracker-files.js';

/** The product's target for cl.js, what every page loads (bytes gzipped, level 9); not met: docs/tracker.md "Size". */
export const TRACKER_GZIP_TARGET = 1536;
/** What cl.js needs today (see docs/tracker.md "Size"); a test keeps it from growing unnoticed. */
export const TRACKER_GZIP_LIMIT = 1783;
/** The same guard for the lazy part (forms, link clicks, SPA page views, delivery after a failure). */
export const TRACKER_LAZY_GZIP_LIMIT = 1015;

export interface BuiltScript {
  code: string;
  gzipBytes: number;
}
export interface BuiltTracker extends BuiltScript {
  /** The lazy part; cl.js requests it as `<its own URL>?<hash>`. */
  lazy: BuiltScript & { hash: string };
}

const source = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));
/** Stands for the lazy part's hash while cl.js is built (the hash is known only after the lazy build). */
const PLACEHOLDER = 'LAZY_HASH_PLACEHOLDER';

const gzipBytes = (code: string): number => gzipSync(code, { level: 9 }).length;

// esbuild bundles and mangles the shared private members; terser then compresses further (a few dozen
// bytes esbuild leaves), keeping property names as esbuild made them so the two parts still agree
async function squeeze(code: string, minify: boolean): Promise<string> {
  if (!minify) return code;
  const out = await terser(code, {
    ecma: 2019,
    compress: { passes: 3, unsafe_arrows: true },
    mangle: true,
    format: { comments: false },
  });
  return out.code ?? code;
}

/** Bundles cl.js and its lazy part for the browser (ES2019). Minified unless `minify: false`. */
export async function buildTracker(opts: { minify?: boolean } = {}): Promise<BuiltTracker> {
  const minify = opts.minify ?? true;
  const options: BuildOptions = {
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // ES2019: object spread and catch without a binding (every browser since 2018) save bytes.
    target: 'es2019',
    minify,
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
  const lazy = await build({
    ...options,
    entryPoints: [source('lazy/index.ts')],
    mangleCache: core.mangleCache,
  });
  const lazyCode = await squeeze(lazy.outputFiles?.[0]?.text ?? '', minify);
  const hash = createHash('sha256').update(lazyCode).digest('hex').slice(0, 8);
  const code = (await squeeze(core.outputFiles?.[0]?.text ?? '', minify)).replace(
    PLACEHOLDER,
    hash,
  );
  return {
    code,
    gzipBytes: gzipBytes(code),
    lazy: { code: lazyCode, gzipBytes: gzipBytes(lazyCode), hash },
  };
}

/** Writes the built snippet where the server reads it (dist/tracker/). */
export async function writeTracker(dir = TRACKER_DIR): Promise<BuiltTracker> {
  const built = await buildTracker();
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${TRACKER_FILES.core}`, built.code);
  writeFileSync(`${dir}/${TRACKER_FILES.lazy}`, built.lazy.code);
  writeFileSync(
    `${dir}/${TRACKER_FILES.manifest}`,
    `${JSON.stringify({ lazyHash: built.lazy.hash })}\n`,
  );
  return built;
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { code, gzipBytes, lazy } = await writeTracker();
  console.log(
    `cl.js: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (limit ${TRACKER_GZIP_LIMIT}, target ${TRACKER_GZIP_TARGET})`,
  );
  console.log(
    `lazy part cl.js?${lazy.hash}: ${lazy.code.length} bytes minified, ${lazy.gzipBytes} bytes gzipped (limit ${TRACKER_LAZY_GZIP_LIMIT})`,
  );
}
