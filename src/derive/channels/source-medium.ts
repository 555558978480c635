/**
 * Deriving a session's source / medium (and campaign, term, content, click ids, ad ids) from its
 * landing URL and referrer, in four steps, the first that applies deciding:
 *   1. utm: `utm_source` or `utm_medium` present → taken as tagged (a missing one is `(not set)`);
 *   2. click_id: an ad click id (gclid → google / cpc, msclkid → bing / cpc, ...); fbclid alone means
 *      facebook / social when the referrer is absent or a Meta site, otherwise the referrer decides;
 *   3. referrer: a search engine → <engine> / organic, a social site → <site> / social, an email
 *      client → <client> / email, any other site → <host without www.> / referral; the site's own
 *      hosts (and the landing host) count as no referrer;
 *   4. direct: (direct) / (none).
 * `source`/`medium` are trimmed and lower-cased for rules and grouping; `display` keeps the case as sent.
 *
 * Example:
 *   const derive = createSourceMediumDeriver({ ownHosts: ['example.com'] });
 *   derive({ url: 'https://example.com/?gclid=abc', referrer: 'https://www.google.com/' })
 *   // → { source: 'google', medium: 'cpc', decidedBy: 'click_id', clickIds: { gclid: 'abc' }, ... }
 */
import {
  DEFAULT_CLICK_IDS,
  readLandingParams,
  type AdIds,
  type ClickIdSpec,
} from './landing-params.js';
import { defaultSourceIndex, hostOf, type SourceEntry, type SourceIndex } from './source-lists.js';

export type DecidedBy = 'utm' | 'click_id' | 'referrer' | 'direct';

export interface LandingInput {
  readonly url?: string | null;
  readonly referrer?: string | null;
}

export interface SourceMediumOptions {
  /** The site's own hostnames: a referrer on one of them (or a subdomain) is no referrer. */
  readonly ownHosts?: readonly string[];
  /** More click-id parameter names to capture, optionally with the source / medium they imply. */
  readonly extraClickIds?: ReadonlyArray<string | ClickIdSpec>;
  readonly sources?: SourceIndex;
}

export interface SourceMedium {
  /** Lower case, for rules and grouping. */
  readonly source: string;
  readonly medium: string;
  /** As sent (UTM case kept), for display. */
  readonly display: { readonly source: string; readonly medium: string };
  readonly campaign: string | null;
  readonly term: string | null;
  readonly content: string | null;
  /** `utm_id`, else the ad platform's campaign id parameter. */
  readonly campaignId: string | null;
  /** Every `utm_*` parameter without its prefix (`source_platform`, `creative_format`, ...). */
  readonly utm: Readonly<Record<string, string>>;
  readonly clickIds: Readonly<Record<string, string>>;
  readonly adIds: AdIds;
  readonly platform: string;
  readonly decidedBy: DecidedBy;
  /** The click id that decided, when `decidedBy` is `click_id`. */
  readonly decidingClickId: string | null;
  /** The referrer's host (or `android-app://<id>`), null when absent or one of the site's own. */
  readonly referrerHost: string | null;
  /** Why, in a few words, for `channels explain`. */
  readonly reason: string;
}

const NOT_SET = '(not set)';

interface Referrer {
  readonly kind: 'none' | 'own' | 'site';
  /** Lower-case host without `www.`, or `android-app://<id>` for app referrers. */
  readonly host: string | null;
  readonly entry: SourceEntry | undefined;
}

function normaliseOwnHost(value: string): string | null {
  const host = hostOf(value.trim().toLowerCase());
  return host === null || host.startsWith('app:') ? null : stripWww(host);
}

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

function isOwn(host: string, own: readonly string[]): boolean {
  for (const o of own) if (host === o || host.endsWith(`.${o}`)) return true;
  return false;
}

function mediumFor(entry: SourceEntry): string {
  switch (entry.category) {
    case 'search':
      return 'organic';
    case 'social':
      return 'social';
    case 'email':
      return 'email';
    default:
      return 'referral';
  }
}

/** Resolves options once; the returned function derives one landing at a time. */
export function createSourceMediumDeriver(
  options: SourceMediumOptions = {},
): (input: LandingInput) => SourceMedium {
  const index = options.sources ?? defaultSourceIndex;
  const ownHosts = (options.ownHosts ?? [])
    .map(normaliseOwnHost)
    .filter((h): h is string => h !== null);
  const specs: ClickIdSpec[] = [...DEFAULT_CLICK_IDS];
  for (const extra of options.extraClickIds ?? []) {
    const spec = typeof extra === 'string' ? { param: extra } : extra;
    const param = spec.param.trim().toLowerCase();
    if (param !== '' && !specs.some((s) => s.param === param)) specs.push({ ...spec, param });
  }
  const clickIdParams = new Set(specs.map((s) => s.param));
  const deciding = specs.filter((s) => s.source !== undefined && s.medium !== undefined);

  const readReferrer = (
    referrer: string | null | undefined,
    landingHost: string | null,
  ): Referrer => {
    const host = referrer ? hostOf(referrer.trim().toLowerCase()) : null;
    if (host === null) return { kind: 'none', host: null, entry: undefined };
    if (host.startsWith('app:')) {
      const app = `android-app://${host.slice(4)}`;
      return { kind: 'site', host: app, entry: index.lookup(app) };
    }
    const bare = stripWww(host);
    const own = landingHost === null ? ownHosts : [...ownHosts, stripWww(landingHost)];
    if (isOwn(bare, own)) return { kind: 'own', host: bare, entry: undefined };
    return { kind: 'site', host: bare, entry: index.lookup(bare) };
  };

  return (input) => {
    const params = readLandingParams(input.url, clickIdParams);
    const { utm, clickIds, adIds } = params;
    const ref = readReferrer(input.referrer, params.host);
    const common = {
      campaign: utm['campaign'] ?? null,
      term: utm['term'] ?? null,
      content: utm['content'] ?? null,
      campaignId: utm['id'] ?? adIds.campaignId ?? null,
      utm,
      clickIds,
      adIds,
      referrerHost: ref.kind === 'site' ? ref.host : null,
    };
    const result = (
      displaySource: string,
      displayMedium: string,
      decidedBy: DecidedBy,
      reason: string,
      decidingClickId: string | null = null,
    ): SourceMedium => {
      const source = displaySource.toLowerCase();
      return {
        source,
        medium: displayMedium.toLowerCase(),
        display: { source: displaySource, medium: displayMedium },
        ...common,
        platform:
          source === '(direct)' ? '(direct)' : (index.lookup(source)?.platform ?? '(other)'),
        decidedBy,
        decidingClickId,
        reason,
      };
    };

    // 1. UTMs
    const utmSource = utm['source'];
    const utmMedium = utm['medium'];
    if (utmSource !== undefined || utmMedium !== undefined) {
      const tagged = [
        utmSource !== undefined && 'utm_source',
        utmMedium !== undefined && 'utm_medium',
      ].filter(Boolean);
      return result(
        utmSource ?? NOT_SET,
        utmMedium ?? NOT_SET,
        'utm',
        `tagged with ${tagged.join(' and ')}`,
      );
    }

    // 2. click ids
    for (const spec of deciding) {
      if (clickIds[spec.param] !== undefined) {
        return result(
          spec.source ?? NOT_SET,
          spec.medium ?? NOT_SET,
          'click_id',
          `${spec.param} → ${spec.source ?? NOT_SET} / ${spec.medium ?? NOT_SET}`,
          spec.param,
        );
      }
    }
    if (clickIds['fbclid'] !== undefined) {
      if (ref.kind !== 'site') {
        return result(
          'facebook',
          'social',
          'click_id',
          'fbclid without an outside referrer (Meta tags organic links too: not paid)',
          'fbclid',
        );
      }
      if (ref.entry?.platform === 'Meta') {
        return result(
          ref.entry.name,
          'social',
          'click_id',
          `fbclid with a Meta referrer (${ref.host}): not paid`,
          'fbclid',
        );
      }
    }

    // 3. referrer
    if (ref.kind === 'site' && ref.host !== null) {
      if (ref.entry) {
        return result(
          ref.entry.name,
          mediumFor(ref.entry),
          'referrer',
          `referrer ${ref.host} is in the ${ref.entry.category} list`,
        );
      }
      const source = ref.host.startsWith('android-app://')
        ? ref.host.slice('android-app://'.length)
        : ref.host;
      return result(
        source,
        'referral',
        'referrer',
        `referrer ${ref.host} is not in any source list`,
      );
    }

    // 4. direct
    const why =
      ref.kind === 'own'
        ? `referrer ${ref.host ?? ''} is the site's own host`
        : 'no UTMs, no click id and no referrer';
    return result('(direct)', '(none)', 'direct', why);
  };
}

const defaultDeriver = createSourceMediumDeriver();

/** One-off derivation; build a deriver with {@link createSourceMediumDeriver} for many landings. */
export function deriveSourceMedium(input: LandingInput & SourceMediumOptions): SourceMedium {
  const hasOptions =
    input.ownHosts !== undefined ||
    input.extraClickIds !== undefined ||
    input.sources !== undefined;
  return (hasOptions ? createSourceMediumDeriver(input) : defaultDeriver)(input);
}
