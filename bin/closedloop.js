#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`).
const { main } = await import('../dist/cli/main.js');
main();
