// The browser snippet's size as served: minified, and gzipped (the budget is 2 KB gzipped).
import { buildTracker, TRACKER_GZIP_LIMIT } from '../src/collect/tracker-bundle.js';
import type { BenchResult } from './types.js';

export async function run(): Promise<BenchResult[]> {
  const t = await buildTracker({ minify: true });
  const plain = await buildTracker({ minify: false });
  return [
    { name: 'snippet bundle, not minified (baseline)', value: Buffer.byteLength(plain.code), unit: 'bytes' },
    { name: 'snippet /cl.js, minified', value: Buffer.byteLength(t.code), unit: 'bytes' },
    { name: 'snippet /cl.js, gzipped', value: t.gzipBytes, unit: 'bytes', target: `<= ${TRACKER_GZIP_LIMIT}` },
  ];
}
