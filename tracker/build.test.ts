// The snippet's build: cl.js and its lazy part, each one self-contained IIFE, and their gzipped sizes
// against their limits.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildTracker, TRACKER_GZIP_LIMIT, TRACKER_LAZY_GZIP_LIMIT } from './build.js';

const built = buildTracker();

it('builds two minified, dependency-free scripts wrapped so they cannot throw while loading', async () => {
  const tracker = await built;
  for (const { code, gzipBytes } of [tracker, tracker.lazy]) {
    assert.equal(gzipBytes, gzipSync(code, { level: 9 }).length);
    assert.ok(code.startsWith('try{') && code.trimEnd().endsWith('}catch{}'));
    assert.doesNotMatch(code, /\brequire\(|\bimport\s*\{|\bexport\b/);
    assert.doesNotThrow(() => new Function(code), 'parses as a classic script');
  }
  const readable = await buildTracker({ minify: false });
  assert.ok(readable.code.length > tracker.code.length * 1.5, 'minify:false keeps it readable');
});

it('names the lazy part by its content, and cl.js asks for that name', async () => {
  const { code, lazy } = await built;
  assert.match(lazy.hash, /^[0-9a-f]{8}$/);
  assert.ok(code.includes(`"?${lazy.hash}"`), 'cl.js requests <its URL>?<hash>');
  assert.deepEqual(
    code.match(/\bimport\b.{0,20}/g),
    [`import(new URL("?${lazy.hash}"`],
    'its only import is the lazy part',
  );
  assert.doesNotMatch(lazy.code, /\bimport\b/, 'the lazy part imports nothing');
  assert.doesNotMatch(
    code,
    /form_submitted|outbound_link_clicked|file_download/,
    'forms and links are in the lazy part only',
  );
  assert.match(lazy.code, /form_submitted/);
  assert.equal((await buildTracker()).lazy.hash, lazy.hash, 'the same sources give the same name');
});

it(`fits its limits: cl.js ${TRACKER_GZIP_LIMIT} bytes, the lazy part ${TRACKER_LAZY_GZIP_LIMIT} (gzipped, level 9)`, async () => {
  const { gzipBytes, lazy } = await built;
  assert.ok(gzipBytes <= TRACKER_GZIP_LIMIT, `cl.js is ${gzipBytes} bytes gzipped`);
  assert.ok(
    lazy.gzipBytes <= TRACKER_LAZY_GZIP_LIMIT,
    `the lazy part is ${lazy.gzipBytes} bytes gzipped`,
  );
});
