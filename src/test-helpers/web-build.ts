// The dashboard built for a test by Vite's own API (the build `npm run build` runs), into a temp folder
// of its own, once per test process: tests never depend on a build step having run before them.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
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
