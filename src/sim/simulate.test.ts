import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CHANNELS,
  simulate,
  type AdCostRow,
  type SegmentEvent,
  type SimSummary,
  type SimTruth,
} from './index.js';
import type { SimRecord } from './record.js';

const BASE = { days: 150, visitorsPerDay: 120, end: '2026-03-31' } as const;
const root = mkdtempSync(join(tmpdir(), 'closedloop-sim-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

function readLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

const CLICK_IDS = ['gclid', 'msclkid', 'li_fat_id'] as const;

describe('simulate', () => {
  let summary: SimSummary;
  let events: SegmentEvent[];
  let costs: AdCostRow[];
  let truth: SimTruth;
  let record: SimRecord;
  const dirA = join(root, 'a');

  before(async () => {
    summary = await simulate(
      { seed: 11, ...BASE },
      { outDir: dirA, truthFile: join(dirA, 'truth.json') },
    );
    events = readLines<SegmentEvent>(join(dirA, 'events.ndjson'));
    costs = readLines<AdCostRow>(join(dirA, 'ad_costs.ndjson'));
    truth = JSON.parse(readFileSync(join(dirA, 'truth.json'), 'utf8')) as SimTruth;
    record = JSON.parse(readFileSync(join(dirA, 'record.json'), 'utf8')) as SimRecord;
  });

  it('is byte-identical for the same seed and differs for another seed', async () => {
    const dirB = join(root, 'b');
    const dirC = join(root, 'c');
    await simulate({ seed: 11, ...BASE }, { outDir: dirB, truthFile: join(dirB, 'truth.json') });
    for (const f of ['events.ndjson', 'ad_costs.ndjson', 'record.json', 'truth.json']) {
      assert.ok(
        readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))),
        `${f} differs between identical runs`,
      );
    }
    await simulate({ seed: 12, ...BASE }, { outDir: dirC });
    assert.notEqual(
      readFileSync(join(dirC, 'events.ndjson'), 'utf8'),
      readFileSync(join(dirA, 'events.ndjson'), 'utf8'),
    );
    assert.notEqual(
      readFileSync(join(dirC, 'ad_costs.ndjson'), 'utf8'),
      readFileSync(join(dirA, 'ad_costs.ndjson'), 'utf8'),
    );
  });

  it('writes events in the documented Segment shape, inside the window, roughly in time order', () => {
    assert.ok(events.length > 1000);
    const ids = new Set<string>();
    const start = Date.parse('2025-11-02T00:00:00Z');
    const end = Date.parse('2026-04-01T00:00:00Z');
    let latest = 0;
    for (const e of events) {
      assert.ok(['page', 'track', 'identify'].includes(e.type));
      assert.ok(!ids.has(e.messageId), `duplicate messageId ${e.messageId}`);
      ids.add(e.messageId);
      assert.match(
        e.anonymousId,
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.match(e.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const t = Date.parse(e.timestamp);
      assert.ok(t >= start && t < end, `timestamp ${e.timestamp} outside the window`);
      assert.ok(t >= latest - 3 * 3_600_000, 'events far out of time order');
      latest = Math.max(latest, t);
      assert.deepEqual(e.context.library, { name: 'closedloop-sim', version: '1' });
      const page = e.context.page;
      assert.equal(page.url, `https://www.brightpipe.example${page.path}${page.search}`);
      const utm = new URLSearchParams(page.search);
      const hasUtm = [...utm.keys()].some((k) => k.startsWith('utm_'));
      assert.equal(
        e.context.campaign !== undefined,
        hasUtm,
        'context.campaign exactly when the URL has UTMs',
      );
      if (e.context.campaign !== undefined) {
        assert.equal(e.context.campaign.name, utm.get('utm_campaign') ?? undefined);
        assert.equal(e.context.campaign.source, utm.get('utm_source') ?? undefined);
        assert.equal(e.context.campaign.medium, utm.get('utm_medium') ?? undefined);
      }
      if (e.type === 'page') {
        assert.equal(typeof e.name, 'string');
        assert.deepEqual(e.properties, {
          path: page.path,
          referrer: page.referrer,
          search: page.search,
          title: page.title,
          url: page.url,
        });
      } else if (e.type === 'track') {
        assert.equal(typeof e.event, 'string');
        if (e.event === 'form_submitted') {
          const fields = e.properties['fields'] as Record<string, unknown>;
          assert.match(String(fields['email']), /^[a-z]+\.[a-z]+@[a-z]+\.[a-z.]+$/);
          assert.equal(typeof e.properties['form_id'], 'string');
        }
        if (e.event === 'file_download') assert.equal(e.properties['file_type'], 'pdf');
        if (e.event === 'phone_call') {
          assert.match(String(e.properties['phone']), /^\+\d{10,14}$/);
          assert.equal(typeof e.properties['duration_s'], 'number');
        }
        if (e.event === 'chat_started') assert.match(String(e.properties['email']), /@/);
      } else {
        assert.ok(
          e.traits !== undefined &&
            (typeof e.traits['email'] === 'string' || typeof e.traits['phone'] === 'string'),
        );
      }
    }
  });

  it('tags channels the way the platforms do', () => {
    const landings = events.filter(
      (e) =>
        e.type === 'page' && !e.context.page.referrer.startsWith('https://www.brightpipe.example'),
    );
    let organic = 0;
    let direct = 0;
    for (const e of landings) {
      const q = new URLSearchParams(e.context.page.search);
      const ref = e.context.page.referrer;
      if (q.has('gclid') && q.get('utm_medium') === 'cpc') {
        assert.ok(
          q.has('campaignid') &&
            q.has('adgroupid') &&
            q.has('keyword') &&
            q.has('matchtype') &&
            q.has('network') &&
            q.has('device'),
        );
        assert.equal(q.get('utm_term'), q.get('keyword'));
        assert.equal(q.get('utm_source'), 'google');
      }
      if (q.has('msclkid')) {
        assert.equal(q.get('utm_source'), 'bing');
        assert.match(q.get('msclkid') ?? '', /^[0-9a-f]{32}$/);
      }
      if (q.has('li_fat_id')) assert.equal(q.get('utm_source'), 'linkedin');
      if (q.get('utm_medium') === 'paid_social' && q.get('utm_source') !== 'linkedin')
        assert.ok(q.has('fbclid'));
      if (
        q.size === 0 &&
        /google\.|bing\.com|duckduckgo\.com|yahoo\.com|googlequicksearchbox/.test(ref)
      )
        organic++;
      if (q.size === 0 && ref === '') direct++;
    }
    assert.ok(organic > 0 && direct > 0);
    // Meta's link shim puts fbclid on organic posts too: fbclid without UTMs must occur.
    assert.ok(
      landings.some((e) => {
        const q = new URLSearchParams(e.context.page.search);
        return q.has('fbclid') && !q.has('utm_source');
      }),
    );
    assert.ok(
      landings.some((e) => e.context.page.referrer === 'android-app://com.google.android.gm/'),
    );
  });

  it('writes ad cost clicks equal to the paid click sessions per day and campaign', () => {
    const fromEvents = new Map<string, number>();
    for (const e of events) {
      if (e.type !== 'page') continue;
      const q = new URLSearchParams(e.context.page.search);
      const campaign = q.get('campaignid') ?? q.get('utm_id');
      const paidSocialFb = q.has('fbclid') && q.get('utm_medium') === 'paid_social';
      if (campaign === null || !(CLICK_IDS.some((k) => q.has(k)) || paidSocialFb)) continue;
      const key = `${e.timestamp.slice(0, 10)}|${campaign}`;
      fromEvents.set(key, (fromEvents.get(key) ?? 0) + 1);
    }
    const fromCosts = new Map<string, number>();
    for (const r of costs) {
      assert.ok(r.impressions >= r.clicks && r.cost >= 0);
      if (r.clicks === 0) assert.equal(r.cost, 0);
      if (r.clicks === 0) continue;
      const key = `${r.date}|${r.campaign_id}`;
      fromCosts.set(key, (fromCosts.get(key) ?? 0) + r.clicks);
    }
    assert.ok(fromEvents.size > 50);
    assert.deepEqual(new Map([...fromCosts].sort()), new Map([...fromEvents].sort()));
    assert.equal(
      record.adCosts.clicks,
      [...fromEvents.values()].reduce((a, b) => a + b, 0),
    );
  });

  it('keeps a record that matches the events', () => {
    const byType = { page: 0, track: 0, identify: 0 };
    for (const e of events) byType[e.type]++;
    assert.deepEqual(record.events.byType, byType);
    const leads = events.filter(
      (e) =>
        (e.event === 'form_submitted' && e.properties['form_id'] !== 'whitepaper-gate') ||
        e.event === 'chat_started' ||
        e.event === 'phone_call',
    ).length;
    assert.equal(record.leads.total, leads);
    assert.equal(
      Object.values(record.leads.byFirstTouchGa4ChannelGroup).reduce((a, b) => a + b, 0),
      leads,
    );
    assert.equal(record.anonymousIds, new Set(events.map((e) => e.anonymousId)).size);
    assert.equal(
      Object.values(record.sessions.byGa4ChannelGroup).reduce((a, b) => a + b, 0),
      record.sessions.total,
    );
    const { generator, version, run, ...rest } = record as SimRecord & {
      generator: string;
      version: number;
      run: { seed: number };
    };
    assert.equal(generator, 'closedloop-sim');
    assert.equal(version, 1);
    assert.equal(run.seed, 11);
    assert.deepEqual(rest, summary.record);
  });

  it('joins two-device people by email and shows shared devices with several emails', () => {
    const anonsByEmail = new Map<string, Set<string>>();
    const emailsByAnon = new Map<string, Set<string>>();
    for (const e of events) {
      const email = e.type === 'identify' ? e.traits?.['email'] : undefined;
      if (typeof email !== 'string') continue;
      anonsByEmail.set(email, (anonsByEmail.get(email) ?? new Set()).add(e.anonymousId));
      emailsByAnon.set(e.anonymousId, (emailsByAnon.get(e.anonymousId) ?? new Set()).add(email));
    }
    const multiDevice = [...anonsByEmail.values()].filter((s) => s.size > 1).length;
    const shared = [...emailsByAnon.values()].filter((s) => s.size > 1).length;
    assert.ok(multiDevice > 0, 'some person identified on two devices');
    assert.equal(multiDevice, record.identity.emailsOnSeveralDevices);
    assert.equal(shared, record.identity.devicesWithSeveralEmails);
    // Devices of one person differ in user agent (desktop and mobile).
    const uaByAnon = new Map(events.map((e) => [e.anonymousId, e.context.userAgent]));
    for (const anons of anonsByEmail.values()) {
      if (anons.size === 2) {
        const [a, b] = [...anons];
        assert.notEqual(uaByAnon.get(a ?? ''), uaByAnon.get(b ?? ''));
      }
    }
  });

  it('writes a consistent ground truth', () => {
    assert.equal(truth.totals.leads, record.leads.total);
    assert.equal(truth.totals.wonDeals, record.crm.dealsWon);
    assert.equal(truth.totals.revenue, record.crm.wonAmount);
    assert.ok(truth.totals.wonDeals > 0, 'the window is long enough for some deals to close');
    for (const c of CHANNELS) {
      const t = truth.channels[c];
      assert.ok(t.incrementalLeads >= 0 && t.incrementalLeads <= truth.totals.leads, `${c} leads`);
      assert.ok(
        t.incrementalWonDeals >= 0 && t.incrementalWonDeals <= truth.totals.wonDeals,
        `${c} deals`,
      );
      assert.ok(
        t.incrementalRevenue >= 0 && t.incrementalRevenue <= truth.totals.revenue,
        `${c} revenue`,
      );
    }
  });

  it('truth equals an actual re-run with the channel switched off', async () => {
    for (const channel of ['display', 'paid_social_linkedin'] as const) {
      const without = await simulate({ seed: 11, ...BASE, channelsOff: [channel] }, [
        { event: () => undefined, close: async () => undefined },
      ]);
      const t = truth.channels[channel];
      assert.equal(
        without.record.leads.total,
        truth.totals.leads - t.incrementalLeads,
        `${channel} leads`,
      );
      assert.equal(
        without.record.crm.dealsWon,
        truth.totals.wonDeals - t.incrementalWonDeals,
        `${channel} deals`,
      );
      assert.equal(
        without.record.crm.wonAmount,
        truth.totals.revenue - t.incrementalRevenue,
        `${channel} revenue`,
      );
      assert.equal(without.record.sessions.byChannel[channel], 0);
    }
    assert.ok(
      truth.channels.display.incrementalLeads +
        truth.channels.paid_social_linkedin.incrementalLeads >
        0,
    );
  });
});
