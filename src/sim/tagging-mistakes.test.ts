// Seeded tagging mistakes change only what they concern: the same world with and without them has the
// same events in the same order, differing only in the landing URLs (and the campaign context) of the
// paid clicks the mistakes concern, and the same cost rows but for the renamed campaign's name after its
// rename. Each mistake leaves its mark on those URLs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate, type AdCostRow, type SegmentEvent } from './index.js';

const WORLD = { seed: 3, days: 50, visitorsPerDay: 60, end: '2026-02-28' } as const;

async function run(mistakes: boolean) {
  const events: SegmentEvent[] = [];
  const rows: AdCostRow[] = [];
  const sim = await simulate({ ...WORLD, mistakes }, [
    {
      event: (e) => void events.push(e),
      adCost: (r) => void rows.push(r),
      close: async () => undefined,
    },
  ]);
  return { events, rows, mistakes: sim.mistakes };
}

/** An event without its URLs' query strings and campaign context: what a mistake may not change. */
function rest(e: SegmentEvent): string {
  const { campaign: _campaign, ...context } = e.context;
  return JSON.stringify({ ...e, context }).replace(/\?[^"]*/g, '?');
}

test('mistakes change only the landing URLs they concern and the renamed campaign name', async () => {
  const [plain, seeded] = [await run(false), await run(true)];
  assert.deepEqual(plain.mistakes, []);
  assert.equal(seeded.events.length, plain.events.length);
  const changed: SegmentEvent[] = [];
  plain.events.forEach((a, i) => {
    const b = seeded.events[i]!;
    assert.equal(rest(b), rest(a), `event ${i} differs beyond its URLs`);
    if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(b);
  });
  assert.ok(changed.length > 0);
  const search = (e: SegmentEvent) => new URLSearchParams(e.context.page.search);
  const all = seeded.events.map(search);
  // auto-tagging off: no msclkid anywhere, though Microsoft's clicks are there
  assert.ok(plain.events.some((e) => search(e).has('msclkid')));
  assert.ok(!all.some((p) => p.has('msclkid')));
  assert.ok(all.some((p) => p.get('utm_source') === 'bing'));
  const [noUtms, renamed, , idMismatch] = seeded.mistakes;
  // no UTMs: gclid alone on the Competitors campaign's days
  assert.ok(
    seeded.events.some((e) => {
      const day = e.timestamp.slice(0, 10);
      const p = search(e);
      return (
        day >= noUtms!.from && day <= noUtms!.to && p.has('gclid') && [...p.keys()].length === 1
      );
    }),
  );
  // the rename: its old name before, the new one after, never its id
  const old = all.filter((p) => p.get('utm_campaign') === 'abm_conversation_ads_demo');
  const neu = all.filter((p) => p.get('utm_campaign') === 'abm_conversation_ads_demo_offer');
  assert.ok(old.length > 0 && neu.length > 0);
  assert.ok([...old, ...neu].every((p) => !p.has('utm_id')));
  // the id mismatch: the other campaign's id beside its own name
  assert.ok(
    all.some(
      (p) =>
        p.get('utm_id') === idMismatch!.wrongId && p.get('campaignid') === idMismatch!.campaignId,
    ),
  );
  // cost rows: the same, but the renamed campaign's name from the rename on
  assert.equal(seeded.rows.length, plain.rows.length);
  plain.rows.forEach((a, i) => {
    const b = seeded.rows[i]!;
    const isNew = a.campaign_id === renamed!.campaignId && a.date > renamed!.to;
    assert.deepEqual(b, isNew ? { ...a, campaign_name: renamed!.campaignName } : a);
  });
  // the truth's spend is the cost rows' over each mistake's days
  for (const m of seeded.mistakes) {
    const cents = seeded.rows
      .filter(
        (r) =>
          r.platform === m.platform &&
          (m.campaignId === null || r.campaign_id === m.campaignId) &&
          r.date >= m.from &&
          r.date <= m.to,
      )
      .reduce((s, r) => s + Math.round(r.cost * 100), 0);
    assert.equal(Math.round(m.spend * 100), cents, m.kind);
  }
});
