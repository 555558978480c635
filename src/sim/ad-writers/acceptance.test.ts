// Issue 16's acceptance on the suite's engine: a simulated world with its tagging mistakes seeded, its
// ad costs imported through each platform's API client (against a replay of the writer's answers) and,
// separately, through each platform's CSV export as `closedloop import ads` reads it. Each path stores the
// simulator's spend per campaign per day to the cent; the costs report matches every paid session to its
// campaign's spend but those the seeded mistakes concern (together under 1%); and the tagging-health
// report names each mistake with the spend it concerns.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuild } from '../../derive/derive.js';
import { costs } from '../../reports/costs.js';
import { taggingHealth } from '../../reports/tagging-health.js';
import { importAdFile } from '../../server/routes/ad-costs.js';
import { createGoogleAdsClient } from '../../sources/google-ads/client.js';
import { createLinkedInAdsClient } from '../../sources/linkedin-ads/client.js';
import { createMetaAdsClient } from '../../sources/meta-ads/client.js';
import { createMicrosoftAdsClient } from '../../sources/microsoft-ads/client.js';
import { adCostProblem, newAdCostImportId, type AdPlatform } from '../../store/areas/ad-costs.js';
import type { Store } from '../../store/store.js';
import { startAdPlatformReplay } from '../../test-helpers/ad-platform-replay.js';
import { withStore } from '../../test-helpers/events.js';
import { tempDir } from '../../test-helpers/tmp.js';
import type { AdCostRecord } from '../../sources/ads/records.js';
import { simulate, type AdCostRow } from '../index.js';
import type { TaggingMistakeTruth } from '../tagging-mistakes.js';
import { segmentNdjsonWriter } from '../writers.js';
import { adPlatformWriter, FILE_PLATFORM, type PlatformExports } from './index.js';

const WORLD = { seed: 5, days: 40, visitorsPerDay: 110, end: '2026-03-31', mistakes: true };
const round2 = (x: number) => Math.round(x * 100) / 100;

interface World {
  rows: AdCostRow[];
  mistakes: TaggingMistakeTruth[];
  exports: PlatformExports;
  from: string;
  to: string;
}

/** Simulates the world into workspace "w" (events imported, derived) and returns its costs' exports. */
async function seed(store: Store, dir: string): Promise<World> {
  const rows: AdCostRow[] = [];
  const ads = adPlatformWriter({ metaLocale: 'de', metaPageSize: 50 });
  const events = join(dir, 'events.ndjson');
  const sim = await simulate(WORLD, [
    segmentNdjsonWriter(events),
    { event: () => undefined, adCost: (r) => void rows.push(r), close: async () => undefined },
    ads,
  ]);
  await store.importEventsFile('w', events);
  await rebuild(store, 'w');
  return { rows, mistakes: sim.mistakes, exports: ads.exports(), from: sim.start, to: sim.end };
}

const key = (platform: string, campaign: string, day: string) => `${platform}|${campaign}|${day}`;

/** The simulator's spend per platform, campaign and day, in micros. */
function simSpend(rows: readonly AdCostRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = key(FILE_PLATFORM[r.platform], r.campaign_id, r.date);
    out.set(k, (out.get(k) ?? 0) + Math.round(r.cost * 100) * 10_000);
  }
  return out;
}

/** The stored spend in effect, the same way, and the imports it came from. */
async function storedSpend(store: Store, w: World) {
  const out = new Map<string, number>();
  const imports = new Set<string>();
  for (const r of await store.adCosts('w', { from: w.from, to: w.to })) {
    const k = key(r.platform, r.campaignId, r.date);
    out.set(k, (out.get(k) ?? 0) + r.costMicros);
    imports.add(r.importId);
  }
  return { spend: out, imports };
}

function assertSameSpend(want: Map<string, number>, got: Map<string, number>, path: string) {
  for (const [k, v] of want) assert.equal(got.get(k) ?? 0, v, `${path}: spend of ${k} in micros`);
  for (const [k, v] of got) assert.equal(want.get(k) ?? 0, v, `${path}: spend of ${k} in micros`);
}

/** Each platform's client against the replay, its rows stored as an import of the window. */
async function importThroughApis(store: Store, w: World): Promise<string[]> {
  const server = await startAdPlatformReplay(w.exports.api);
  const tuning = { baseUrl: server.baseUrl, sleep: async () => undefined, random: () => 0 };
  const oauth = { accessToken: 'sim', refresh: async () => 'sim' };
  const api = w.exports.api;
  try {
    const google = createGoogleAdsClient({ ...tuning, oauth, developerToken: 'dev' });
    const meta = createMetaAdsClient({ ...tuning, oauth, pageSize: 50 });
    const linkedin = createLinkedInAdsClient({ ...tuning, oauth, sliceDays: 14 });
    const microsoft = createMicrosoftAdsClient({
      ...tuning,
      oauth,
      developerToken: 'dev',
      customerId: api.microsoft.customerId,
      pollMs: 1,
    });
    const fetched: [AdPlatform, string, AdCostRecord[]][] = [
      [
        'google',
        api.google.customerId,
        await google.costs(api.google.customerId, 'ad_group', w.from, w.to),
      ],
      ['meta', api.meta.accountId, await meta.insights(api.meta.accountId, 'adset', w.from, w.to)],
      [
        'linkedin',
        api.linkedin.accountId,
        await linkedin.costs(api.linkedin.accountId, w.from, w.to),
      ],
      [
        'microsoft',
        api.microsoft.accountId,
        (await microsoft.costs(api.microsoft.accountId, 'AdGroup', w.from, w.to)).rows,
      ],
    ];
    const ids: string[] = [];
    for (const [platform, accountId, rows] of fetched) {
      const imp = {
        importId: newAdCostImportId(),
        platform,
        accountId,
        from: w.from,
        to: w.to,
        source: 'api',
      };
      assert.equal(adCostProblem(imp, rows), undefined);
      await store.appendAdCosts('w', imp, rows);
      ids.push(imp.importId);
    }
    // the clients paged: Meta followed its cursors, LinkedIn asked slice by slice
    const paths = server.requests.map((r) => r.url.pathname);
    assert.ok(paths.filter((p) => p.endsWith('/insights')).length > 1);
    assert.ok(paths.filter((p) => p === '/rest/adAnalytics').length > 1);
    return ids;
  } finally {
    await server.close();
  }
}

/** Each platform's CSV through the code `closedloop import ads` runs. */
async function importCsvs(store: Store, w: World): Promise<string[]> {
  const ids: string[] = [];
  for (const f of w.exports.csv) {
    const r = await importAdFile(
      store,
      'w',
      { platform: f.platform, account: f.account },
      f.bytes,
      f.file,
    );
    assert.equal(r.format, 'csv');
    assert.deepEqual([r.from, r.to], [w.from, w.to], `${f.file}'s period`);
    ids.push(r.importId);
  }
  return ids;
}

/** The days of the mistake's span. */
const within = (m: TaggingMistakeTruth, day: string) => day >= m.from && day <= m.to;

test(
  'a simulated world: costs exact through each API and each CSV, sessions matched but for the seeded mistakes, each mistake in tagging health',
  { timeout: 600_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      await withStore(async (store) => {
        const w = await seed(store, dir);
        // every mistake concerns some spend in this world, or the checks below would prove nothing
        assert.deepEqual(
          w.mistakes.map((m) => m.kind),
          ['no_utms', 'renamed', 'auto_tagging_off', 'id_mismatch'],
        );
        for (const m of w.mistakes)
          assert.ok(m.clicks > 0 && m.spend > 0, `${m.kind} concerns no clicks`);
        const want = simSpend(w.rows);

        // through the APIs
        const apiImports = await importThroughApis(store, w);
        const api = await storedSpend(store, w);
        assert.deepEqual([...api.imports].sort(), [...apiImports].sort());
        assertSameSpend(want, api.spend, 'API');

        // separately, through the CSVs: they replace the API's imports of the same days
        const csvImports = await importCsvs(store, w);
        const csv = await storedSpend(store, w);
        assert.deepEqual([...csv.imports].sort(), [...csvImports].sort());
        assertSameSpend(want, csv.spend, 'CSV');

        // matching: sessions per campaign and day against the simulator's paid clicks
        const ctx = { store, workspaceId: 'w' };
        const report = await costs.run(
          ctx,
          costs.params.parse({ from: w.from, to: w.to, groupBy: 'platform,campaign,date' }),
        );
        const clicks = new Map<string, number>();
        for (const r of w.rows) {
          const k = key(FILE_PLATFORM[r.platform], r.campaign_id, r.date);
          clicks.set(k, (clicks.get(k) ?? 0) + r.clicks);
        }
        const sessions = new Map<string, number>();
        const unmatched = new Map<string, number>();
        for (const r of report.rows) {
          if (r.campaign === null) unmatched.set(`${r.platform}|${r.date}`, r.sessions);
          else sessions.set(key(r.platform!, r.campaign!, r.date!), r.sessions);
        }
        const concerning = (k: string) => {
          const [platform, campaign, day] = k.split('|') as [string, string, string];
          return w.mistakes.find(
            (m) =>
              m.kind !== 'auto_tagging_off' &&
              FILE_PLATFORM[m.platform] === platform &&
              m.campaignId === campaign &&
              within(m, day),
          );
        };
        // what the seeded mistakes move: off their campaign, to no campaign or to the id they carried
        const expected = new Map<string, number>();
        const expectedUnmatched = new Map<string, number>();
        let total = 0;
        let own = 0;
        for (const [k, n] of clicks) {
          total += n;
          const m = concerning(k);
          if (m === undefined) {
            expected.set(k, (expected.get(k) ?? 0) + n);
            own += n;
            continue;
          }
          const [platform, , day] = k.split('|') as [string, string, string];
          if (m.kind === 'id_mismatch') {
            const to = key(platform, m.wrongId!, day);
            expected.set(to, (expected.get(to) ?? 0) + n);
          } else
            expectedUnmatched.set(
              `${platform}|${day}`,
              (expectedUnmatched.get(`${platform}|${day}`) ?? 0) + n,
            );
        }
        for (const [k, n] of expected)
          assert.equal(sessions.get(k) ?? 0, n, `sessions matched to ${k}`);
        for (const [k, n] of sessions)
          assert.equal(expected.get(k) ?? 0, n, `sessions matched to ${k}`);
        assert.deepEqual(
          [...unmatched].filter(([, n]) => n > 0).sort(),
          [...expectedUnmatched].filter(([, n]) => n > 0).sort(),
          'unmatched paid sessions, by platform and day: only the seeded mistakes',
        );
        assert.ok(own / total >= 0.99, `${own} of ${total} paid sessions match their campaign`);
        assert.equal(
          total - own,
          w.mistakes.filter((m) => m.kind !== 'auto_tagging_off').reduce((s, m) => s + m.clicks, 0),
        );

        // tagging health: each mistake over its days, with the spend it concerns
        for (const m of w.mistakes) {
          const health = await taggingHealth.run(
            ctx,
            taggingHealth.params.parse({ from: m.from, to: m.to }),
          );
          const check =
            m.kind === 'auto_tagging_off' ? 'auto_tagging_off' : 'spend_without_sessions';
          const found = health.findings.find(
            (f) =>
              f.check === check &&
              f.platform === FILE_PLATFORM[m.platform] &&
              (m.campaignId === null || f.campaign === m.campaignId),
          );
          assert.ok(found, `${m.kind}: no ${check} finding in ${JSON.stringify(health.findings)}`);
          assert.equal(round2(found.spend ?? -1), m.spend, `${m.kind}: the spend it concerns`);
        }

        // and every mistake over the whole window, each with the spend the truth gives it
        const health = await taggingHealth.run(
          ctx,
          taggingHealth.params.parse({ from: w.from, to: w.to }),
        );
        const all = JSON.stringify(health.findings);
        for (const m of w.mistakes) {
          const platform = FILE_PLATFORM[m.platform];
          const of = (check: string, pick: (f: (typeof health.findings)[number]) => boolean) =>
            health.findings.find((f) => f.check === check && f.platform === platform && pick(f));
          const found =
            m.kind === 'auto_tagging_off'
              ? of('auto_tagging_off', () => true)
              : m.kind === 'no_utms'
                ? of('spend_without_sessions', (f) => f.campaign === m.campaignId)
                : m.kind === 'renamed'
                  ? of('sessions_without_spend', (f) => f.candidate === m.campaignId)
                  : of('campaign_id_mismatch', (f) => f.campaign === m.campaignId);
          assert.ok(found, `${m.kind} over the window: not found in ${all}`);
          assert.equal(round2(found.spend ?? -1), m.spend, `${m.kind} over the window: its spend`);
          if (m.kind === 'auto_tagging_off') continue;
          // the days it names are the mistake's own
          assert.ok(
            found.days?.every((d) => within(m, d)),
            `${m.kind}: days ${found.days?.join(',')}`,
          );
          // the campaign the mistake hides has its spend of those days without sessions, too
          const quiet = of('spend_without_sessions', (f) => f.campaign === m.campaignId);
          assert.equal(round2(quiet?.spend ?? -1), m.spend, `${m.kind}: spend without sessions`);
          if (m.kind === 'renamed') assert.match(found.detail, /probably campaign .* renamed/);
          if (m.kind === 'id_mismatch')
            assert.match(found.fix, new RegExp(`utm_id=${m.campaignId}`));
        }
      });
    } finally {
      cleanup();
    }
  },
);
