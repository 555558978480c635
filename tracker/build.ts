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
import { minify as terser, type MinifyOptions } from 'terser';
import { TRACKER_DIR, TRACKER_FILES } from '../src/collect/tracker-files.js';

/** The product's target for cl.js, what every page loads (bytes gzipped, level 9): docs/tracker.md "Size". */
export const TRACKER_GZIP_TARGET = 1536;
/** What cl.js needs today (see docs/tracker.md "Size"); a test keeps it from growing unnoticed. */
// (2 bytes above today's 1,530: the lazy part's content hash, inside cl.js, moves its size by a byte or two)
export const TRACKER_GZIP_LIMIT = 1532;
/** The same guard for the lazy part (forms, link clicks, SPA page views, delivery after a failure). */
export const TRACKER_LAZY_GZIP_LIMIT = 1224;

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
async function squeeze(code: string): Promise<string> {
  const out = await terser(code, {
    ecma: 2019,
    compress: { passes: 3, unsafe_arrows: true },
    mangle: true,
    format: { comments: false },
  });
  return blockScoped(out.code ?? code);
}

/** The top-level statements of a script, as terser parses them (its AST is not typed for this). */
interface Parsed {
  ast: { body: { TYPE: string; start: { pos: number } }[] };
}

/**
 * `(()=>{BODY})();` becomes `try{BODY}catch{}` with BODY's top-level `var`s made `let`: the block
 * scopes them as the arrow function did (nothing reaches window), the try is the last guard (nothing
 * thrown while a part starts reaches the host page), and the arrow's bytes go. Any other `var` (it
 * would leak from a block) or a `function` declaration (sloppy mode hoists it out of a block) fails
 * the build rather than the page.
 */
async function blockScoped(iife: string): Promise<string> {
  const inner = /^\(\(\)=>\{([^]*)\}\)\(\);?\s*$/.exec(iife)?.[1];
  if (inner === undefined)
    throw new Error(`tracker build: not an arrow IIFE: ${iife.slice(0, 40)}…`);
  // format.ast is terser's (its typings lack it): the parse, positions into `inner`
  const parseOnly = { compress: false, mangle: false, format: { ast: true, code: false } };
  const { ast } = (await terser(inner, parseOnly as MinifyOptions)) as unknown as Parsed;
  let body = inner;
  for (const statement of [...ast.body].reverse())
    if (statement.TYPE === 'Var')
      body = `${body.slice(0, statement.start.pos)}let${body.slice(statement.start.pos + 3)}`;
  if (/\b(var|function)\b/.test(body))
    throw new Error('tracker build: a var or function declaration the block would not scope');
  return `try{${body}}catch{}`;
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
    // Identifiers are left to terser: the short names esbuild would give clash with the parameters of
    // a function terser inlines only when none clashes where it is called (wire.ts compactEvent).
    ...(minify ? { minifySyntax: true, minifyWhitespace: true } : {}),
    // The private members the two parts share (tracker/src/shared.ts) get one-letter names, the same
    // in both: the lazy build starts from the cache the first one filled.
    mangleProps: /^\$/,
    legalComments: 'none',
    // Minified, each part becomes try{…}catch{} (blockScoped); readable, the IIFE is wrapped so.
    ...(minify ? {} : { banner: { js: 'try{' }, footer: { js: '}catch{}' } }),
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
  const lazyText = lazy.outputFiles?.[0]?.text ?? '';
  const lazyCode = minify ? await squeeze(lazyText) : lazyText;
  const hash = createHash('sha256').update(lazyCode).digest('hex').slice(0, 8);
  const coreText = core.outputFiles?.[0]?.text ?? '';
  const code = (minify ? await squeeze(coreText) : coreText).replace(PLACEHOLDER, hash);
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
