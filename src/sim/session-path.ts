/**
 * The pages a simulated session sees, and when: from the landing, a bounce or a walk through the site's
 * sections with a realistic dwell on each, ended by the session's conversion (the page it converts on
 * just before a lead, or a gated whitepaper). Draws come from the session's own stream, in one order.
 */
import type { ConversionMethod } from './journey.js';
import type { Rng } from './prng.js';
import { pageAt, PAGES, WHITEPAPERS, type PageDef } from './site.js';

/** How a session ends, when it converts. */
export type SessionConversion =
  | { kind: 'lead'; method: ConversionMethod; at: number }
  /** A later gated-content form (e.g. on a second device): identifies again with the same email. */
  | { kind: 'gate' };

/** A page view of the session: the page, its time, and the query string it landed with (the landing only). */
export interface PlannedPage {
  page: PageDef;
  at: number;
  search: string;
}

/** Where a visitor goes next from a page of each section, weighted. */
const NEXT: Readonly<
  Record<PageDef['section'], readonly (readonly [PageDef['section'], number])[]>
> = {
  home: [
    ['pricing', 0.3],
    ['features', 0.25],
    ['blog', 0.1],
    ['case_study', 0.15],
    ['demo', 0.1],
    ['integrations', 0.1],
  ],
  blog: [
    ['blog', 0.4],
    ['home', 0.2],
    ['whitepaper', 0.15],
    ['pricing', 0.1],
    ['features', 0.15],
  ],
  pricing: [
    ['demo', 0.3],
    ['features', 0.2],
    ['case_study', 0.2],
    ['contact', 0.1],
    ['home', 0.2],
  ],
  features: [
    ['pricing', 0.35],
    ['features', 0.2],
    ['case_study', 0.2],
    ['demo', 0.15],
    ['integrations', 0.1],
  ],
  case_study: [
    ['case_study', 0.25],
    ['pricing', 0.3],
    ['demo', 0.2],
    ['home', 0.25],
  ],
  whitepaper: [
    ['blog', 0.3],
    ['case_study', 0.2],
    ['pricing', 0.2],
    ['home', 0.3],
  ],
  lp: [
    ['demo', 0.4],
    ['pricing', 0.3],
    ['case_study', 0.3],
  ],
  demo: [
    ['pricing', 0.4],
    ['case_study', 0.3],
    ['home', 0.3],
  ],
  contact: [
    ['home', 0.5],
    ['pricing', 0.5],
  ],
  integrations: [
    ['features', 0.4],
    ['pricing', 0.4],
    ['home', 0.2],
  ],
  about: [
    ['home', 0.5],
    ['pricing', 0.5],
  ],
  thanks: [
    ['home', 0.5],
    ['case_study', 0.5],
  ],
};
const SECTION_PAGES = new Map<PageDef['section'], PageDef[]>();
for (const p of PAGES) SECTION_PAGES.set(p.section, [...(SECTION_PAGES.get(p.section) ?? []), p]);

function nextPage(rng: Rng, from: PageDef): PageDef {
  const section = rng.weighted(NEXT[from.section]);
  const options = SECTION_PAGES.get(section) ?? [pageAt('/')];
  const choice = rng.pick(options);
  return choice.path === from.path && options.length > 1 ? rng.pick(options) : choice;
}

function dwell(rng: Rng): number {
  return Math.min(8 * 60_000, Math.max(5_000, Math.round(rng.lognormal(45_000, 0.9))));
}

/**
 * The session's pages in time order, from the landing at `start` (with its query string `search`). A lead
 * keeps the browsing before its fixed moment (the CRM's lead time) and adds the page it converts on; a
 * gate adds a whitepaper page.
 */
export function planPages(
  rng: Rng,
  start: number,
  landing: PageDef,
  search: string,
  conversion: SessionConversion | null,
): PlannedPage[] {
  // The path through the site: bounce or a few pages, each with a realistic dwell time.
  const pages: PlannedPage[] = [{ page: landing, at: start, search }];
  const length = rng.chance(0.45) ? 1 : Math.min(12, 2 + Math.floor(rng.exponential(2.5)));
  let at = start;
  let current = landing;
  for (let i = 1; i < length; i++) {
    at += dwell(rng);
    current = nextPage(rng, current);
    pages.push({ page: current, at, search: '' });
  }
  if (conversion?.kind === 'lead') {
    // The conversion happens at a fixed moment (the CRM's lead time); browsing before it is kept.
    while (pages.length > 1 && (pages[pages.length - 1]?.at ?? 0) > conversion.at - 60_000)
      pages.pop();
    const last = pages[pages.length - 1]?.at ?? start;
    const before = Math.max(1_000, Math.min(45_000, Math.floor((conversion.at - last) / 2)));
    if (conversion.method === 'form') {
      pages.push({
        page: pageAt(rng.chance(0.75) ? '/demo' : '/contact'),
        at: conversion.at - before,
        search: '',
      });
    } else if (conversion.method === 'phone') {
      pages.push({
        page: pageAt(rng.chance(0.6) ? '/contact' : '/pricing'),
        at: conversion.at - before,
        search: '',
      });
    }
  } else if (conversion?.kind === 'gate') {
    const wp = pageAt(`/whitepapers/${rng.pick(WHITEPAPERS)}`);
    pages.push({ page: wp, at: (pages[pages.length - 1]?.at ?? start) + dwell(rng), search: '' });
  }
  return pages;
}
