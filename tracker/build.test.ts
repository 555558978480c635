// The snippet's build: one self-contained IIFE, and its gzipped size against its limit.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildTracker, TRACKER_GZIP_LIMIT } from './build.js';

const built = buildTracker();

it('builds one minified, dependency-free script wrapped so it cannot throw while loading', async () => {
  const { code, gzipBytes } = await built;
  assert.equal(gzipBytes, gzipSync(code, { level: 9 }).length);
  assert.ok(code.startsWith('try{') && code.trimEnd().endsWith('}catch{}'));
  assert.doesNotMatch(code, /\brequire\(|\bimport\s*[({]|\bexport\b/);
  assert.doesNotThrow(() => new Function(code), 'parses as a classic script');
  const readable = await buildTracker({ minify: false });
  assert.ok(readable.code.length > code.length * 1.5, 'minify:false keeps it readable');
});

it(`fits its ${TRACKER_GZIP_LIMIT}-byte limit (gzipped, level 9)`, async () => {
  const { gzipBytes } = await built;
  assert.ok(gzipBytes <= TRACKER_GZIP_LIMIT, `cl.js is ${gzipBytes} bytes gzipped`);
});
