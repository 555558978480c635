// The accessibility walk of the dashboard's pages in real Chromium (dashboard-a11y-*.test.ts): on each
// page, axe-core's serious and critical violations, the number of h1 elements, and whether Tab from the
// top of the page reaches the side navigation's links, the shell's first control and the page's own first
// control, each with a visible focus ring. Screenshots of each page at 1280x720 and 1920x1080 go to
// artifacts/ (dashboard-page-<name>-<size>.png). The pages come from web/src/routes.ts (PAGES).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, blocking, describeViolations, type AxeViolation } from './axe.js';
import { screenshots, signedInPage } from './browser.js';
import type { DashboardPage } from './dashboard-pages.js';
import { clientFor, type TestServer } from './server.js';

/** The dashboard world's days (dashboard-world.ts): the comparison day and the week after it. */
export const A11Y_RANGE = 'from=2026-02-25&to=2026-03-07';
/** Tab presses before giving up on reaching a target (a date input takes one per part of the date). */
const MAX_TABS = 250;

/** The page drawn: its heading, and no request still loading (a live page may stay so: then as it is). */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main h1');
  await page
    .waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 15_000 })
    .catch(() => undefined);
}

export interface KeyboardCheck {
  h1: number;
  /** Targets Tab never reached, by name. */
  unreached: string[];
  /** Targets reached but never with a visible focus indicator. */
  noRing: string[];
}

/**
 * From the top of a freshly loaded page (nothing focused yet), Tab until every target was focused with
 * a ring (or MAX_TABS): the links of the side navigation and the first of the shell's controls (when
 * `withShell`), and the first control in the page's main (when it has one). A ring is an outline or a
 * box shadow on the focused element.
 */
export async function keyboard(page: Page, withShell: boolean): Promise<KeyboardCheck> {
  const targets = await page.evaluate((shell) => {
    const focusable =
      'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    const named: [string, Element][] = [];
    if (shell) {
      for (const a of Array.from(document.querySelectorAll('nav.side a')))
        named.push([`nav link ${a.textContent ?? ''}`, a]);
      const control = document.querySelector(`.controls :is(${focusable})`);
      if (control) named.push(['the first shell control', control]);
    }
    const own = document.querySelector(`main :is(${focusable})`);
    if (own) named.push([`the page's first control (${own.outerHTML.slice(0, 80)})`, own]);
    named.forEach(([name, el]) => el.setAttribute('data-tab-target', name));
    return named.map(([name]) => name);
  }, withShell);
  const reached = new Set<string>();
  // a date input hands its focus on to a part of the date: a ring at any moment of its focus counts
  const ringed = new Set<string>();
  for (let i = 0; i < MAX_TABS && ringed.size < targets.length; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const name = el?.getAttribute('data-tab-target');
      if (!el || !name) return null;
      const css = getComputedStyle(el);
      const ring =
        (css.outlineStyle !== 'none' && parseFloat(css.outlineWidth) > 0) ||
        css.boxShadow !== 'none';
      return { name, ring };
    });
    if (focused) {
      reached.add(focused.name);
      if (focused.ring) ringed.add(focused.name);
    }
  }
  return {
    h1: await page.locator('h1').count(),
    unreached: targets.filter((t) => !reached.has(t)),
    noRing: [...reached].filter((t) => !ringed.has(t)),
  };
}

/** What a page lacks, as lines of the failure message (none: it passes). */
export function problems(name: string, violations: AxeViolation[], k: KeyboardCheck): string[] {
  const out: string[] = [];
  const bad = blocking(violations);
  if (bad.length) out.push(`${name}: axe-core, serious or critical:\n${describeViolations(bad)}`);
  if (k.h1 !== 1) out.push(`${name}: ${k.h1} h1 elements (one expected)`);
  if (k.unreached.length) out.push(`${name}: Tab never reached ${k.unreached.join('; ')}`);
  if (k.noRing.length) out.push(`${name}: no visible focus on ${k.noRing.join('; ')}`);
  return out;
}

/** The lesser findings, written for a person reading the test's output (they do not fail it). */
export function noteMinor(name: string, vs: AxeViolation[]): void {
  const rest = vs.filter((v) => blocking([v]).length === 0);
  if (rest.length)
    process.stderr.write(`${name}: axe-core, minor or moderate:\n${describeViolations(rest)}\n`);
}

/** The query that shows one person on the person page: the journeys page's own link, else the API's. */
async function personQuery(s: TestServer, page: Page, all: DashboardPage[]): Promise<string> {
  const ws = s.workspace.id;
  if (all.some((p) => p.name === 'journeys')) {
    await page.goto(`${s.base}/journeys?workspace=${ws}&${A11Y_RANGE}`);
    await settled(page);
    const href = await page
      .locator('main a[href^="/person?"]')
      .first()
      .getAttribute('href', { timeout: 5000 })
      .catch(() => null);
    if (href) return new URL(href, s.base).search.slice(1);
  }
  const res = await clientFor(s).api(`/api/reports/journeys?${A11Y_RANGE}&workspace=${ws}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { persons: { personId: string }[] };
  const id = body.persons[0]?.personId;
  assert.ok(id, 'the world has a person who became a lead');
  return new URLSearchParams({ workspace: ws, id, person: id }).toString();
}

/**
 * Signs `email` in and walks `pages` (of `all`, the whole PAGES): each opened by URL in the world's
 * range, checked, and shot. Fails once at the end with every page's problems.
 */
export async function walkPages(
  s: TestServer,
  browser: Browser,
  email: string,
  pages: DashboardPage[],
  all: DashboardPage[],
): Promise<void> {
  const { context, page, errors } = await signedInPage(browser, s.base, email);
  const ws = s.workspace.id;
  const failed: string[] = [];
  try {
    for (const p of pages) {
      const url =
        p.name === 'person'
          ? `${s.base}/person?${await personQuery(s, page, all)}&${A11Y_RANGE}`
          : `${s.base}/${p.name}?workspace=${ws}&${A11Y_RANGE}`;
      await page.goto(url);
      await settled(page);
      // every page of the navigation is in it, this one marked as the current page
      assert.equal(
        await page.locator(`nav.side a[href^="/${p.name}?"][aria-current="page"]`).count(),
        p.nav ? 1 : 0,
        `${p.name} is ${p.nav ? '' : 'not '}the current page of the navigation`,
      );
      const violations = await axeViolations(page);
      noteMinor(p.name, violations);
      await screenshots(page, `page-${p.name}`);
      // nothing was focused since the page loaded: Tab starts at the top of the document
      failed.push(...problems(p.name, violations, await keyboard(page, true)));
    }
    assert.deepEqual(failed, [], failed.join('\n\n'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}
