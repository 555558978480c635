// The browser snippet's size as served: cl.js, what every page loads, against the product's target
// (1,536 bytes gzipped), and the lazy part it requests only when a page needs it (forms, link clicks,
// SPA page views, delivery after a failure). The test suite holds both to their limits (TRACKER_GZIP_LIMIT,
// TRACKER_LAZY_GZIP_LIMIT: what they reach today), so they cannot grow unnoticed.
import {
  buildTracker,
  TRACKER_GZIP_LIMIT,
  TRACKER_GZIP_TARGET,
  TRACKER_LAZY_GZIP_LIMIT,
} from '../tracker/build.js';
import type { BenchResult } from './types.js';

export async function run(): Promise<BenchResult[]> {
  const t = await buildTracker({ minify: true });
  const plain = await buildTracker({ minify: false });
  return [
    {
      name: 'snippet cl.js, not minified (baseline)',
      value: Buffer.byteLength(plain.code),
      unit: 'bytes',
    },
    {
      name: 'snippet cl.js (every page), minified',
      value: Buffer.byteLength(t.code),
      unit: 'bytes',
    },
    {
      name: 'snippet cl.js (every page), gzipped',
      value: t.gzipBytes,
      unit: 'bytes',
      target: `<= ${TRACKER_GZIP_TARGET}`,
    },
    {
      name: 'snippet cl.js regression limit in the tests',
      value: TRACKER_GZIP_LIMIT,
      unit: 'bytes',
    },
    {
      name: 'snippet lazy part (forms, links, SPA), minified',
      value: Buffer.byteLength(t.lazy.code),
      unit: 'bytes',
    },
    {
      name: 'snippet lazy part (forms, links, SPA), gzipped',
      value: t.lazy.gzipBytes,
      unit: 'bytes',
      note: 'requested only when a page has a form, is interacted with, or changes URL',
    },
    {
      name: 'snippet lazy part regression limit in the tests',
      value: TRACKER_LAZY_GZIP_LIMIT,
      unit: 'bytes',
    },
  ];
}
