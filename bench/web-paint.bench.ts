/**
 * The overview's time to first useful paint in headless Chromium (issue 18's bench): a Demo-like
 * workspace seeded as the reports bench seeds it (reports-worker.ts `seed`: events, the CRM CSV, each ad
 * platform's CSV, a rebuild; ~1M events by default), a real server with the built dashboard in a process
 * of its own (support/web-paint-worker.ts), and a signed-in browser opening /overview as a user lands on
 * it (the default range, the last 30 days). Useful paint: the leads KPI card painted with its number
 * (the browser's Element Timing of the card's value, `elementtiming="kpi-leads"`; where the browser gives
 * none, the frame after `.kpi[data-metric="leads"][data-value]` appears), in ms from the navigation's
 * start; beside it the browser's first contentful paint (PerformanceObserver, `paint`).
 *
 * Cold cache: a new browser context (empty HTTP cache) per load; warm cache: further loads in one
 * context after a first. The server is warmed by one load first (its own figure: the first load after
 * the server started). Baselines in the same run: the page's bare HTML (the document's responseEnd in
 * the cold loads) and GET /api/reports/overview alone (the page's own request, from Node, with the
 * session). Each figure is the median of BENCH_PAINT_REPEATS loads (5); npm run bench takes the median
 * of its runs.
 *
 * Engines: BENCH_ENGINES (both by default). Size: BENCH_PAINT_DAYS (90) x BENCH_PAINT_VISITORS (3000 a
 * day: ~1M events). Run alone: npx tsx bench/web-paint.bench.ts (prints JSON).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../src/test-helpers/browser.js';
import { signIn } from '../src/test-helpers/users.js';
import { buildWeb } from '../src/test-helpers/web-build.js';
import { percentile } from './support/derive-live.js';
import { benchEngines, chdbStoreUrl, type BenchEngine } from './support/engines.js';
import type { SeedOutput } from './support/reports-worker.js';
import type { PaintServerOutput } from './support/web-paint-worker.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAYS = Number(process.env.BENCH_PAINT_DAYS ?? 90);
const VISITORS = Number(process.env.BENCH_PAINT_VISITORS ?? 3000);
const REPEATS = Math.max(1, Number(process.env.BENCH_PAINT_REPEATS ?? 5));
const EMAIL = 'owner@bench.test';
/** Beyond this after the frame with the numbers, the browser gives no Element Timing: the frame counts. */
const ELEMENT_TIMING_WAIT_MS = 2000;

/** What one load of the overview measured, each in ms from the navigation's start. */
export interface PaintSample {
  /** The leads number painted: Element Timing's renderTime, else the frame after it appeared. */
  useful: number;
  /** Which of the two `useful` is. */
  by: 'element-timing' | 'frame';
  fcp: number | null;
  /** The document's last byte (the bare HTML). */
  html: number;
  /** GET /api/auth/me and GET /api/reports/overview as the page made them: start and end. */
  me: [number, number] | null;
  overview: [number, number] | null;
  /** The overview's own chunk (assets/overview-*.js): start and end. */
  chunk: [number, number] | null;
}

// installed before the page's own scripts: observers for the paints, and the moment the numbers appear
const PROBE = `(() => {
  const p = (window.__paint = { fcp: null, element: null, dom: null, frame: null });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') p.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries())
        if (e.identifier === 'kpi-leads' && p.element === null) p.element = e.renderTime || e.loadTime;
    }).observe({ type: 'element', buffered: true });
  } catch {}
  const seen = () => document.querySelector('.kpi[data-metric="leads"][data-value]');
  const mo = new MutationObserver(() => {
    if (p.dom !== null || !seen()) return;
    p.dom = performance.now();
    mo.disconnect();
    requestAnimationFrame(() => setTimeout(() => (p.frame = performance.now()), 0));
  });
  mo.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

interface Probe {
  fcp: number | null;
  element: number | null;
  dom: number | null;
  frame: number | null;
}

async function load(context: BrowserContext, url: string): Promise<PaintSample> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(
      (wait) => {
        const p = (window as unknown as { __paint: Probe }).__paint;
        return p.frame !== null && (p.element !== null || performance.now() - p.frame > wait);
      },
      ELEMENT_TIMING_WAIT_MS,
      { timeout: 120_000, polling: 50 },
    );
    return await page.evaluate(() => {
      const p = (window as unknown as { __paint: Probe }).__paint;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      // (no named functions in here: tsx's names helper does not exist in the page)
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const me = res.find((e) => e.name.includes('/api/auth/me'));
      const overview = res.find((e) => e.name.includes('/api/reports/overview'));
      const chunk = res.find((e) => /\/assets\/overview-[^/]*\.js$/.test(e.name));
      return {
        useful: p.element ?? p.frame!,
        by: p.element !== null ? ('element-timing' as const) : ('frame' as const),
        fcp: p.fcp,
        html: nav.responseEnd,
        me: me ? ([me.startTime, me.responseEnd] as [number, number]) : null,
        overview: overview
          ? ([overview.startTime, overview.responseEnd] as [number, number])
          : null,
        chunk: chunk ? ([chunk.startTime, chunk.responseEnd] as [number, number]) : null,
      };
    });
  } finally {
    await page.close();
  }
}

/** A new context (its own, empty HTTP cache) holding the session's cookies, probed. */
async function signedContext(browser: Browser, base: string, cookie: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addCookies(
    cookie.split('; ').map((pair) => {
      const at = pair.indexOf('=');
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
    }),
  );
  await context.addInitScript({ content: PROBE });
  return context;
}

function seedWorld(dir: string, store: string[]): SeedOutput {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'support/reports-worker.ts'),
      'seed',
      dir,
      String(DAYS),
      String(VISITORS),
      ...store,
    ],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`seeding failed (${r.status}): ${r.stderr.slice(-4000)}`);
  return JSON.parse(line) as SeedOutput;
}

/** The server in its own process; `stop` ends it and returns what it measured of itself. */
async function startServer(dir: string, webDir: string, store: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'support/web-paint-worker.ts'), dir, webDir, EMAIL, ...store],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`the paint server exited (${code}): ${err.slice(-4000)}`)),
    );
  });
  const stop = () =>
    new Promise<PaintServerOutput>((resolve, reject) => {
      child.once('exit', () => {
        const line = out.trim().split('\n').pop() ?? '';
        if (line.startsWith('{')) resolve(JSON.parse(line) as PaintServerOutput);
        else reject(new Error(`the paint server said nothing at exit: ${err.slice(-4000)}`));
      });
      child.kill('SIGTERM');
    });
  return { base: `http://127.0.0.1:${port}`, stop };
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));
const approx = (n: number) =>
  n >= 1e6 ? `~${Math.round(n / 1e6)}M` : n >= 1e3 ? `~${Math.round(n / 1e3)}k` : String(n);
const med = (xs: number[]) => percentile(xs, 50);

/** "HTML done 12, /api/auth/me 15-30, the page's chunk 31-60, ..." (medians, ms from the navigation's start). */
function waterfall(samples: PaintSample[]): string {
  const at = (pick: (s: PaintSample) => [number, number] | null) => {
    const spans = samples.map(pick).filter((x): x is [number, number] => x !== null);
    return spans.length
      ? `${round(med(spans.map((x) => x[0])), 0)}-${round(med(spans.map((x) => x[1])), 0)}`
      : 'not seen';
  };
  return `HTML done ${round(med(samples.map((s) => s.html)), 0)}, /api/auth/me ${at((s) => s.me)}, the page's chunk ${at((s) => s.chunk)}, /api/reports/overview ${at((s) => s.overview)} ms`;
}

async function measure(engine: BenchEngine, webDir: string, browser: Browser) {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-paint-bench-'));
  try {
    const store = engine === 'clickhouse' ? ['--store', chdbStoreUrl(dir)] : [];
    const seeded = seedWorld(dir, store);
    const server = await startServer(dir, webDir, store);
    let served: PaintServerOutput | undefined;
    try {
      const session = await signIn(server.base, EMAIL);
      const url = `${server.base}/overview?workspace=${seeded.workspaceId}`;
      // the first load after the server started: the server's caches and the engine's files cold too
      const first = await signedContext(browser, server.base, session.cookie);
      const firstLoad = await load(first, url).finally(() => first.close());

      const cold: PaintSample[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const context = await signedContext(browser, server.base, session.cookie);
        cold.push(await load(context, url).finally(() => context.close()));
      }
      const warm: PaintSample[] = [];
      const context = await signedContext(browser, server.base, session.cookie);
      try {
        await load(context, url); // fills the cache
        for (let i = 0; i < REPEATS; i++) warm.push(await load(context, url));
      } finally {
        await context.close();
      }
      // the page's own API request alone, with the session (the query it sends: overview.tsx)
      const apiMs: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const t = performance.now();
        const r = await fetch(
          `${server.base}/api/reports/overview?workspace=${seeded.workspaceId}&compare=previous`,
          { headers: { cookie: session.cookie } },
        );
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`GET /api/reports/overview answered ${r.status}`);
        apiMs.push(performance.now() - t);
      }
      served = await server.stop();
      return { seeded, firstLoad, cold, warm, apiMs, served };
    } finally {
      if (!served) await server.stop().catch(() => undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function results(engine: BenchEngine, m: Awaited<ReturnType<typeof measure>>): BenchResult[] {
  const on = engine === 'clickhouse' ? ' on ClickHouse' : '';
  const size = `${approx(m.seeded.events)}${on}`;
  const useful = (xs: PaintSample[]) => med(xs.map((s) => s.useful));
  const fcps = (xs: PaintSample[]) => xs.map((s) => s.fcp).filter((x): x is number => x !== null);
  const by = (xs: PaintSample[]) => [...new Set(xs.map((s) => s.by))].join(' and ');
  const spread = (xs: PaintSample[]) =>
    `${round(Math.min(...xs.map((s) => s.useful)), 0)}-${round(Math.max(...xs.map((s) => s.useful)), 0)}`;
  const api = med(m.apiMs);
  const html = med(m.cold.map((s) => s.html));
  return [
    {
      name: `${size}: world seeded (events, CRM CSV, ad CSVs, rebuild)`,
      value: round(m.seeded.seconds),
      unit: 's',
      note: `${m.seeded.events} events over ${DAYS} days ending today; peak RSS ${Math.round(m.seeded.peakRssMiB)} MiB`,
    },
    {
      name: `${size}: overview useful paint, cold cache`,
      value: round(useful(m.cold)),
      unit: 'ms',
      note: `the leads KPI's number painted (${by(m.cold)}), median of ${m.cold.length} loads each in a new context (${spread(m.cold)}); ${round(useful(m.cold) / api, 1)}x the API alone; ${waterfall(m.cold)}`,
    },
    {
      name: `${size}: overview useful paint, warm cache`,
      value: round(useful(m.warm)),
      unit: 'ms',
      note: `median of ${m.warm.length} loads in one context after a first (${spread(m.warm)}); ${waterfall(m.warm)}`,
    },
    {
      name: `${size}: overview first contentful paint, cold cache`,
      value: round(med(fcps(m.cold))),
      unit: 'ms',
      note: `PerformanceObserver 'paint', median of ${fcps(m.cold).length} loads`,
    },
    {
      name: `${size}: overview first contentful paint, warm cache`,
      value: round(med(fcps(m.warm))),
      unit: 'ms',
      note: `median of ${fcps(m.warm).length} loads`,
    },
    {
      name: `${size}: overview useful paint, first load after the server started`,
      value: round(m.firstLoad.useful),
      unit: 'ms',
      note: `a new context on a server that had answered nothing yet (${m.firstLoad.by}); ${waterfall([m.firstLoad])}`,
    },
    {
      name: `${size}: overview's bare HTML, cold cache (baseline)`,
      value: round(html),
      unit: 'ms',
      note: `the document's responseEnd in the cold loads`,
    },
    {
      name: `${size}: GET /api/reports/overview alone (baseline)`,
      value: round(api),
      unit: 'ms',
      note: `the page's own request from Node with the session, after the loads; median of ${m.apiMs.length}`,
    },
    {
      name: `${size}: peak RSS of the server process`,
      value: Math.round(m.served.peakRssMiB),
      unit: 'MiB',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const webDir = await buildWeb();
  const browser = await launchBrowser();
  try {
    const out: BenchResult[] = [];
    for (const engine of benchEngines())
      out.push(...results(engine, await measure(engine, webDir, browser)));
    return out;
  } finally {
    await browser.close();
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
