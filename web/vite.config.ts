// The dashboard's build (docs/dashboard.md): `vite build web` from the package root writes dist/web,
// which the server serves at `/` (src/server/web.ts). Preact's JSX through Vite's own transform (no
// plugin needed); the manifest tells bench/web-size.bench.ts which chunks the first page loads.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // hashed files under /assets (the server caches them for a year)
    assetsDir: 'assets',
  },
});
