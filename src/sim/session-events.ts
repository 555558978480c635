/**
 * Renders one session into Segment events: page views along a plausible path through the site, a
 * whitepaper download, and, when the session converts, the form / chat / phone-call events with their
 * identify. Timings come from the session's own stream, so rendering never shifts any other draw.
 */
import { pageAt, PAGES, SITE, WHITEPAPERS, type PageDef } from './catalog.js';
import { CHANNEL_EFFECTS, type ChannelId } from './channels.js';
import type { ConversionMethod } from './journey.js';
import type { Device, Person } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { buildTouch, encodeSearch, type PaidClick, type TouchContext } from './tagging.js';
import { iso } from './time.js';
import type { JsonValue, SegmentCampaign, SegmentContext, SegmentEvent } from './types.js';

export type SessionConversion =
  | { kind: 'lead'; method: ConversionMethod; at: number }
  /** A later gated-content form (e.g. on a second device): identifies again with the same email. */
  | { kind: 'gate' };

export interface SessionSpec {
  seed: number;
  person: Person;
  device: Device;
  ordinal: number;
  t: number;
  channel: ChannelId;
  isFirst: boolean;
  email: TouchContext['email'];
  conversion: SessionConversion | null;
}

export interface RenderedSession {
  paid: PaidClick | null;
  /** Time of the landing page (when a paid click is counted). */
  start: number;
}

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

/** Call-tracking numbers shown per channel group (dynamic number insertion). */
const TRACKING_NUMBERS: Record<string, string> = {
  'Paid Search': '+18885550101',
  'Paid Social': '+18885550102',
  Display: '+18885550103',
  Email: '+18885550104',
  default: '+18885550100',
};

function nextPage(rng: Rng, from: PageDef): PageDef {
  const section = rng.weighted(NEXT[from.section]);
  const options = SECTION_PAGES.get(section) ?? [pageAt('/')];
  const choice = rng.pick(options);
  return choice.path === from.path && options.length > 1 ? rng.pick(options) : choice;
}

function dwell(rng: Rng): number {
  return Math.min(8 * 60_000, Math.max(5_000, Math.round(rng.lognormal(45_000, 0.9))));
}

const LIBRARY = { name: 'closedloop-sim', version: '1' } as const;

/** Renders the session, handing each event to `emit` in time order. */
export function renderSession(spec: SessionSpec, emit: (e: SegmentEvent) => void): RenderedSession {
  const { person, device } = spec;
  const rng = Rng.of(spec.seed, PURPOSE.session, spec.person.key, spec.ordinal);
  const touch = buildTouch(rng, spec.channel, {
    isFirst: spec.isFirst,
    deviceKind: device.kind,
    email: spec.email,
  });
  const idRoot = `sim-${spec.seed.toString(36)}-${person.key.toString(36)}-${spec.ordinal.toString(36)}-`;
  let counter = 0;

  // The path through the site: bounce or a few pages, each with a realistic dwell time.
  const pages: { page: PageDef; at: number; search: string }[] = [];
  const landing = pageAt(touch.landingPath);
  pages.push({ page: landing, at: spec.t, search: encodeSearch(touch.params) });
  const length = rng.chance(0.45) ? 1 : Math.min(12, 2 + Math.floor(rng.exponential(2.5)));
  let at = spec.t;
  let current = landing;
  for (let i = 1; i < length; i++) {
    at += dwell(rng);
    current = nextPage(rng, current);
    pages.push({ page: current, at, search: '' });
  }
  const conversion = spec.conversion;
  if (conversion?.kind === 'lead') {
    // The conversion happens at a fixed moment (the CRM's lead time); browsing before it is kept.
    while (pages.length > 1 && (pages[pages.length - 1]?.at ?? 0) > conversion.at - 60_000)
      pages.pop();
    const last = pages[pages.length - 1]?.at ?? spec.t;
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
    pages.push({ page: wp, at: (pages[pages.length - 1]?.at ?? spec.t) + dwell(rng), search: '' });
  }

  let referrer = touch.referrer;
  let context: SegmentContext | undefined;
  const make = (
    type: SegmentEvent['type'],
    ts: number,
    extra: Partial<SegmentEvent>,
    ctx: SegmentContext,
  ): SegmentEvent => ({
    type,
    messageId: idRoot + (counter++).toString(36),
    anonymousId: device.anonymousId,
    timestamp: iso(ts),
    ...extra,
    properties: extra.properties ?? {},
    context: ctx,
  });

  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    if (p === undefined) continue;
    const url = `${SITE.origin}${p.page.path}${p.search}`;
    context = buildContext(
      person,
      device,
      { url, path: p.page.path, referrer, title: p.page.title, search: p.search },
      p.search === '' ? null : touch.params,
    );
    emit(
      make(
        'page',
        p.at,
        {
          name: p.page.name,
          properties: { path: p.page.path, referrer, search: p.search, title: p.page.title, url },
        },
        context,
      ),
    );
    referrer = url;
    if (p.page.section === 'whitepaper' && conversion?.kind !== 'gate' && rng.chance(0.55)) {
      const slugPart = p.page.path.slice('/whitepapers/'.length);
      const nextAt = pages[i + 1]?.at ?? p.at + 60_000;
      emit(
        make(
          'track',
          Math.min(nextAt - 1, p.at + rng.between(8_000, 40_000)),
          {
            event: 'file_download',
            properties: {
              url: `${SITE.origin}/assets/whitepapers/${slugPart}.pdf`,
              file_type: 'pdf',
            },
          },
          context,
        ),
      );
    }
  }
  if (context === undefined) throw new Error('a session has at least its landing page');

  if (conversion?.kind === 'lead')
    emitLead(spec, conversion.method, conversion.at, context, make, emit, rng);
  if (conversion?.kind === 'gate') {
    const last = pages[pages.length - 1];
    const ts = (last?.at ?? spec.t) + rng.between(20_000, 90_000);
    emitForm(person, 'whitepaper-gate', 'Download whitepaper', ts, context, make, emit, false);
    const slugPart = (last?.page.path ?? '/whitepapers/x').slice('/whitepapers/'.length);
    emit(
      make(
        'track',
        ts + 1_500,
        {
          event: 'file_download',
          properties: {
            url: `${SITE.origin}/assets/whitepapers/${slugPart}.pdf`,
            file_type: 'pdf',
          },
        },
        context,
      ),
    );
  }
  return { paid: touch.paid, start: spec.t };
}

type Make = (
  type: SegmentEvent['type'],
  ts: number,
  extra: Partial<SegmentEvent>,
  ctx: SegmentContext,
) => SegmentEvent;

function emitForm(
  person: Person,
  formId: string,
  formName: string,
  ts: number,
  context: SegmentContext,
  make: Make,
  emit: (e: SegmentEvent) => void,
  withPhone: boolean,
): void {
  const fields: Record<string, JsonValue> = {
    email: person.email,
    first_name: person.firstName,
    last_name: person.lastName,
    company: person.company.name,
    job_title: person.title,
  };
  if (withPhone) fields['phone'] = person.phone;
  const traits: Record<string, JsonValue> = {
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    company: { name: person.company.name },
  };
  if (withPhone) traits['phone'] = person.phone;
  emit(make('identify', ts, { traits }, context));
  emit(
    make(
      'track',
      ts + 5,
      { event: 'form_submitted', properties: { form_id: formId, form_name: formName, fields } },
      context,
    ),
  );
}

function emitLead(
  spec: SessionSpec,
  method: ConversionMethod,
  at: number,
  context: SegmentContext,
  make: Make,
  emit: (e: SegmentEvent) => void,
  rng: Rng,
): void {
  const { person } = spec;
  if (method === 'form') {
    const demo = context.page.path === '/demo';
    emitForm(
      person,
      demo ? 'demo-request' : 'contact-sales',
      demo ? 'Book a demo' : 'Contact sales',
      at,
      context,
      make,
      emit,
      rng.chance(0.4),
    );
    if (demo) {
      const url = `${SITE.origin}/demo/thank-you`;
      const thanks = pageAt('/demo/thank-you');
      const ctx = buildContext(
        person,
        spec.device,
        { url, path: thanks.path, referrer: context.page.url, title: thanks.title, search: '' },
        null,
      );
      emit(
        make(
          'page',
          at + 1_200,
          {
            name: thanks.name,
            properties: {
              path: thanks.path,
              referrer: context.page.url,
              search: '',
              title: thanks.title,
              url,
            },
          },
          ctx,
        ),
      );
    }
  } else if (method === 'chat') {
    emit(make('identify', at, { traits: { email: person.email } }, context));
    emit(
      make(
        'track',
        at + 5,
        {
          event: 'chat_started',
          properties: { chat_id: `chat_${rng.hex(12)}`, email: person.email },
        },
        context,
      ),
    );
  } else {
    const group = CHANNEL_EFFECTS[spec.channel].ga4;
    const trackingNumber = TRACKING_NUMBERS[group] ?? TRACKING_NUMBERS['default'] ?? '';
    emit(make('identify', at, { traits: { phone: person.phone } }, context));
    emit(
      make(
        'track',
        at + 5,
        {
          event: 'phone_call',
          properties: {
            phone: person.phone,
            duration_s: rng.between(45, 1_500),
            tracking_number: trackingNumber,
          },
        },
        context,
      ),
    );
  }
}

/** The event context as analytics.js builds it: campaign only when the page URL carries UTMs. */
function buildContext(
  person: Person,
  device: Device,
  page: SegmentContext['page'],
  params: readonly (readonly [string, string])[] | null,
): SegmentContext {
  let campaign: SegmentCampaign | undefined;
  if (params !== null) {
    for (const [k, v] of params) {
      const field = k === 'utm_campaign' ? 'name' : k.startsWith('utm_') ? k.slice(4) : '';
      if (
        field === 'name' ||
        field === 'source' ||
        field === 'medium' ||
        field === 'term' ||
        field === 'content'
      ) {
        campaign ??= {};
        campaign[field] = v;
      }
    }
  }
  const rest = {
    userAgent: device.userAgent,
    ip: device.ip,
    locale: person.locale,
    timezone: person.timezone,
    library: LIBRARY,
  };
  return campaign === undefined ? { page, ...rest } : { page, campaign, ...rest };
}
