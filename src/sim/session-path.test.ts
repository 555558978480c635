import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PURPOSE, Rng } from './prng.js';
import { planPages, type SessionConversion } from './session-path.js';
import { pageAt } from './site.js';

const START = Date.parse('2026-01-10T09:00:00Z');
const landing = pageAt('/lp/attribution-demo');
const plan = (seed: number, conversion: SessionConversion | null) =>
  planPages(Rng.of(seed, PURPOSE.session, 1, 0), START, landing, '?utm_source=x', conversion);

test('a path starts at the landing with its query, then walks the site in time order, a bounce or up to 12 pages', () => {
  const lengths = new Set<number>();
  for (let seed = 0; seed < 300; seed++) {
    const pages = plan(seed, null);
    assert.deepEqual(pages[0], { page: landing, at: START, search: '?utm_source=x' });
    assert.ok(pages.length >= 1 && pages.length <= 12, `${pages.length} pages`);
    lengths.add(pages.length);
    for (let i = 1; i < pages.length; i++) {
      const gap = pages[i]!.at - pages[i - 1]!.at;
      // each dwell is 5 s to 8 min
      assert.ok(gap >= 5_000 && gap <= 8 * 60_000, `dwell ${gap}`);
      assert.equal(pages[i]!.search, '');
    }
  }
  assert.ok(lengths.has(1) && lengths.size > 4, `lengths ${[...lengths].join(',')}`);
  // the same stream gives the same path
  assert.deepEqual(plan(42, null), plan(42, null));
});

test('a lead keeps the browsing before its moment and converts on a form or call page just before it', () => {
  for (let seed = 0; seed < 200; seed++) {
    for (const method of ['form', 'phone', 'chat'] as const) {
      const at = START + 3 * 60_000;
      const pages = plan(seed, { kind: 'lead', method, at });
      const browsing = method === 'chat' ? pages : pages.slice(0, -1);
      // the landing stays; later browsing ends a minute before the lead
      for (const p of browsing.slice(1)) assert.ok(p.at <= at - 60_000, `${method}: ${p.at}`);
      if (method === 'chat') continue;
      const last = pages[pages.length - 1]!;
      const where = method === 'form' ? ['/demo', '/contact'] : ['/contact', '/pricing'];
      assert.ok(where.includes(last.page.path), `${method} on ${last.page.path}`);
      assert.ok(last.at < at && last.at >= at - 45_000, `${method} page ${at - last.at} ms before`);
    }
  }
});

test('a gated session ends on a whitepaper page after the browsing', () => {
  for (let seed = 0; seed < 100; seed++) {
    const pages = plan(seed, { kind: 'gate' });
    const last = pages[pages.length - 1]!;
    assert.equal(last.page.section, 'whitepaper');
    assert.ok(last.at > pages[pages.length - 2]!.at);
  }
});
