// The dashboard built for a test by Vite's own API (the build `npm run build` runs), into a temp folder
// of its own, once per test process: tests never depend on a build step having run before them.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './tmp.js';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

let built: Promise<string> | undefined;

/** The folder holding the built dashboard (index.html, assets/, .vite/manifest.json). */
export function buildWeb(): Promise<string> {
  built ??= (async () => {
    const { dir, cleanup } = tempDir();
    process.once('exit', cleanup);
    const out = join(dir, 'web');
    await build({ root: WEB_ROOT, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    return out;
  })();
  return built;
}

/** The product's target for the first page's initial JavaScript (bytes gzipped): docs/dashboard.md. */
export const WEB_INITIAL_JS_TARGET = 200 * 1024;

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

/**
 * What a browser loads to show `page` from a cold start: the entry and the page's chunk with everything
 * they import statically (shared chunks once), from Vite's manifest. `page` is a page's name
 * (web/src/pages/<page>.tsx) or its module as the manifest names it (`src/pages/x.tsx`).
 */
export function pageLoad(dir: string, page: string): { js: string[]; css: string[] } {
  return chunksOf(dir, ['index.html', page.startsWith('src/') ? page : `src/pages/${page}.tsx`]);
}

/** What every page loads first: the entry (index.html's script) and what it imports statically. */
export const entryLoad = (dir: string): { js: string[]; css: string[] } =>
  chunksOf(dir, ['index.html']);

function chunksOf(dir: string, keys: string[]): { js: string[]; css: string[] } {
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`no chunk ${key} in the manifest`);
    if (js.has(chunk.file)) return;
    js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const i of chunk.imports ?? []) visit(i);
  };
  keys.forEach(visit);
  return { js: [...js], css: [...css] };
}

/** Bytes of `files` (under `dir`) gzipped one by one at level 9, as a server compresses them. */
export const gzippedBytes = (dir: string, files: string[]): number =>
  files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
