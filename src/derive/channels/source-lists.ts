/**
 * The maintained lists of known traffic sources: search engines, social networks, video sites,
 * shopping sites, email clients and AI assistants, each in its name, domain and app-referrer forms,
 * mapped to a platform (the second level of a channel: Google, Bing, Meta, LinkedIn, X, ...).
 *
 * Example: `lookupSource('l.facebook.com')` → `{ name: 'facebook', platform: 'Meta', category: 'social' }`.
 *
 * Lookup order for a value (lower-cased): exact name/alias/domain/app id; then the value's parent
 * domains, most specific first (so `mail.google.com` is Gmail before `google.com` is search); then a
 * country-code form (`google.co.uk`, `amazon.de`) is read as its `.com` form and looked up again.
 */

/** `other` = known (gives a platform, stops a parent-domain match) but in none of the rule lists. */
export type SourceCategory = 'search' | 'social' | 'video' | 'shopping' | 'email' | 'ai' | 'other';

/** The list names that rules can reference with `in_list` without defining them. */
export const BUILTIN_LISTS = ['search', 'social', 'video', 'shopping', 'email', 'ai'] as const;
export type BuiltinList = (typeof BUILTIN_LISTS)[number];

export interface SourceEntry {
  /** The canonical source name given to referrer traffic from this site (lower case). */
  readonly name: string;
  readonly platform: string;
  readonly category: SourceCategory;
  /** Other spellings seen in `utm_source` (lower case). */
  readonly aliases?: readonly string[];
  /** Hosts; any subdomain of one matches too (`l.facebook.com` under `facebook.com`). */
  readonly domains?: readonly string[];
  /** Android/iOS app ids, as sent in `android-app://<id>` referrers. */
  readonly apps?: readonly string[];
  /** Also matches `<brand>.<ccTLD>` and `<brand>.co.<ccTLD>` forms of its `.com` domain. */
  readonly ccTlds?: boolean;
}

const e = (
  name: string,
  platform: string,
  category: SourceCategory,
  more: Omit<SourceEntry, 'name' | 'platform' | 'category'> = {},
): SourceEntry => ({ name, platform, category, ...more });

export const SOURCE_ENTRIES: readonly SourceEntry[] = [
  // search
  e('google', 'Google', 'search', {
    aliases: ['adwords', 'googleads', 'google ads', 'google_ads', 'google-ads'],
    domains: ['google.com'],
    apps: ['com.google.android.googlequicksearchbox', 'com.google.googlemobile'],
    ccTlds: true,
  }),
  e('bing', 'Bing', 'search', {
    aliases: ['microsoft', 'microsoft ads', 'microsoft_ads', 'bingads', 'msn'],
    domains: ['bing.com', 'msn.com'],
    apps: ['com.microsoft.bing'],
  }),
  e('yahoo', 'Yahoo', 'search', { domains: ['yahoo.com'], ccTlds: true }),
  e('duckduckgo', 'DuckDuckGo', 'search', {
    domains: ['duckduckgo.com'],
    apps: ['com.duckduckgo.mobile.android'],
  }),
  e('baidu', 'Baidu', 'search', { domains: ['baidu.com'], apps: ['com.baidu.searchbox'] }),
  e('yandex', 'Yandex', 'search', { domains: ['yandex.com', 'yandex.ru', 'ya.ru'], ccTlds: true }),
  e('ecosia', 'Ecosia', 'search', { domains: ['ecosia.org'], apps: ['com.ecosia.android'] }),
  // brave.com itself is a browser vendor; only its search host is a search engine
  e('brave', 'Brave', 'search', { domains: ['search.brave.com'] }),
  e('naver', 'Naver', 'search', { domains: ['naver.com'] }),
  e('seznam', 'Seznam', 'search', { domains: ['seznam.cz'] }),
  e('qwant', 'Qwant', 'search', { domains: ['qwant.com'] }),
  e('startpage', 'Startpage', 'search', { domains: ['startpage.com'] }),
  e('aol', 'AOL', 'search', { domains: ['search.aol.com'] }),
  e('ask', 'Ask', 'search', { domains: ['ask.com'] }),
  e('sogou', 'Sogou', 'search', { domains: ['sogou.com'] }),
  e('daum', 'Daum', 'search', { domains: ['daum.net'] }),

  // social
  e('facebook', 'Meta', 'social', {
    aliases: ['fb', 'meta', 'facebook ads', 'facebook_ads'],
    domains: [
      'facebook.com',
      'l.facebook.com',
      'lm.facebook.com',
      'm.facebook.com',
      'fb.com',
      'fb.me',
    ],
    apps: ['com.facebook.katana', 'com.facebook.lite'],
  }),
  e('instagram', 'Meta', 'social', {
    aliases: ['ig'],
    domains: ['instagram.com', 'l.instagram.com'],
    apps: ['com.instagram.android'],
  }),
  e('messenger', 'Meta', 'social', { domains: ['messenger.com'], apps: ['com.facebook.orca'] }),
  e('whatsapp', 'Meta', 'social', { domains: ['whatsapp.com'], apps: ['com.whatsapp'] }),
  e('threads', 'Meta', 'social', {
    domains: ['threads.net', 'threads.com'],
    apps: ['com.instagram.barcelona'],
  }),
  e('linkedin', 'LinkedIn', 'social', {
    aliases: ['linkedin ads', 'linkedin_ads'],
    domains: ['linkedin.com', 'lnkd.in'],
    apps: ['com.linkedin.android'],
  }),
  e('twitter', 'X', 'social', {
    aliases: ['x', 'x.com', 'twitter ads'],
    domains: ['twitter.com', 'x.com', 't.co'],
    apps: ['com.twitter.android'],
  }),
  e('reddit', 'Reddit', 'social', {
    domains: ['reddit.com', 'redd.it'],
    apps: ['com.reddit.frontpage'],
  }),
  e('tiktok', 'TikTok', 'social', {
    domains: ['tiktok.com'],
    apps: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'],
  }),
  e('pinterest', 'Pinterest', 'social', {
    domains: ['pinterest.com', 'pin.it'],
    apps: ['com.pinterest'],
    ccTlds: true,
  }),
  e('snapchat', 'Snap', 'social', {
    aliases: ['snap'],
    domains: ['snapchat.com'],
    apps: ['com.snapchat.android'],
  }),
  e('quora', 'Quora', 'social', { domains: ['quora.com'] }),
  e('tumblr', 'Tumblr', 'social', { domains: ['tumblr.com'] }),
  e('discord', 'Discord', 'social', {
    domains: ['discord.com', 'discord.gg', 'discordapp.com'],
    apps: ['com.discord'],
  }),
  e('slack', 'Slack', 'social', { domains: ['slack.com'], apps: ['com.slack'] }),
  e('telegram', 'Telegram', 'social', {
    domains: ['t.me', 'telegram.org'],
    apps: ['org.telegram.messenger'],
  }),
  e('bluesky', 'Bluesky', 'social', { domains: ['bsky.app'] }),
  e('mastodon', 'Mastodon', 'social', { domains: ['mastodon.social'] }),
  e('vk', 'VK', 'social', { domains: ['vk.com'] }),
  e('weibo', 'Weibo', 'social', { domains: ['weibo.com'] }),
  e('xing', 'XING', 'social', { domains: ['xing.com'] }),
  e('hacker news', 'Hacker News', 'social', {
    aliases: ['hackernews', 'hn'],
    domains: ['news.ycombinator.com'],
  }),

  // video
  e('youtube', 'Google', 'video', {
    aliases: ['yt'],
    domains: ['youtube.com', 'youtu.be'],
    apps: ['com.google.android.youtube'],
  }),
  e('vimeo', 'Vimeo', 'video', { domains: ['vimeo.com'] }),
  e('twitch', 'Twitch', 'video', { domains: ['twitch.tv'], apps: ['tv.twitch.android.app'] }),
  e('dailymotion', 'Dailymotion', 'video', { domains: ['dailymotion.com'] }),
  e('wistia', 'Wistia', 'video', { domains: ['wistia.com'] }),

  // shopping
  e('amazon', 'Amazon', 'shopping', {
    domains: ['amazon.com'],
    apps: ['com.amazon.mshop.android.shopping'],
    ccTlds: true,
  }),
  e('shopify', 'Shopify', 'shopping', {
    domains: ['shopify.com', 'shop.app'],
    apps: ['com.shopify.arrive'],
  }),
  e('google shopping', 'Google', 'shopping', {
    aliases: ['google_shopping', 'googleshopping'],
    domains: ['shopping.google.com'],
  }),
  e('ebay', 'eBay', 'shopping', { domains: ['ebay.com'], ccTlds: true }),
  e('etsy', 'Etsy', 'shopping', { domains: ['etsy.com'] }),
  e('walmart', 'Walmart', 'shopping', { domains: ['walmart.com'] }),
  e('aliexpress', 'Alibaba', 'shopping', { domains: ['aliexpress.com', 'alibaba.com'] }),

  // email clients (webmail hosts and mail apps)
  e('gmail', 'Google', 'email', { domains: ['mail.google.com'], apps: ['com.google.android.gm'] }),
  e('outlook', 'Microsoft', 'email', {
    domains: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com'],
    apps: ['com.microsoft.office.outlook'],
  }),
  e('yahoo mail', 'Yahoo', 'email', {
    domains: ['mail.yahoo.com'],
    apps: ['com.yahoo.mobile.client.android.mail'],
  }),
  e('proton mail', 'Proton', 'email', {
    domains: ['mail.proton.me'],
    apps: ['ch.protonmail.android'],
  }),
  e('aol mail', 'AOL', 'email', { domains: ['mail.aol.com'] }),

  // AI assistants: known, but not search and not in any default rule (GA4 counts them as Referral);
  // a workspace can give them a channel with `in_list: "ai"`.
  e('chatgpt', 'OpenAI', 'ai', {
    aliases: ['openai'],
    domains: ['chatgpt.com', 'chat.openai.com'],
    apps: ['com.openai.chatgpt'],
  }),
  e('perplexity', 'Perplexity', 'ai', {
    domains: ['perplexity.ai'],
    apps: ['ai.perplexity.app.android'],
  }),
  e('gemini', 'Google', 'ai', { domains: ['gemini.google.com', 'bard.google.com'] }),
  e('copilot', 'Microsoft', 'ai', { domains: ['copilot.microsoft.com'] }),
  e('claude', 'Anthropic', 'ai', { domains: ['claude.ai'] }),

  // known non-search Google hosts: a link from a shared doc is a referral, not a search
  e('docs.google.com', 'Google', 'other', {
    domains: ['docs.google.com', 'drive.google.com', 'sites.google.com'],
  }),
  // ad networks without a GA4 list of their own (their paid traffic lands in Paid Other)
  e('taboola', 'Taboola', 'other', { domains: ['taboola.com'] }),
  e('outbrain', 'Outbrain', 'other', { domains: ['outbrain.com'] }),
  e('criteo', 'Criteo', 'other', { domains: ['criteo.com'] }),
];

/** Second-level domain labels that precede a ccTLD: `co.uk`, `com.au`, `ne.jp`, ... */
const CC_SLD = '(?:com?|ne|or|ac|gob|gov|edu)';

export interface SourceIndex {
  /** The entry for a source name, alias, host, URL or app referrer; case-insensitive. */
  lookup(value: string): SourceEntry | undefined;
}

/**
 * Builds an index over entries. Results are memoised (a few hundred distinct sources cover most
 * traffic), so a repeated lookup allocates nothing; the memo is cleared when it grows past a bound.
 */
export function createSourceIndex(
  entries: readonly SourceEntry[] = SOURCE_ENTRIES,
  memoLimit = 20_000,
): SourceIndex {
  const byName = new Map<string, SourceEntry>();
  const byDomain = new Map<string, SourceEntry>();
  const ccBrands: string[] = [];
  for (const entry of entries) {
    const setOnce = (map: Map<string, SourceEntry>, key: string): void => {
      if (!map.has(key)) map.set(key, entry);
    };
    setOnce(byName, entry.name);
    for (const alias of entry.aliases ?? []) setOnce(byName, alias);
    for (const domain of entry.domains ?? []) {
      setOnce(byDomain, domain);
      setOnce(byName, domain);
    }
    for (const app of entry.apps ?? []) {
      setOnce(byName, app);
      setOnce(byName, `android-app://${app}`);
      setOnce(byName, `ios-app://${app}`);
    }
    if (entry.ccTlds) {
      const com = entry.domains?.find((d) => d.endsWith('.com'));
      if (com) ccBrands.push(com.slice(0, -'.com'.length).replace(/\./g, '\\.'));
    }
  }
  const ccPattern =
    ccBrands.length > 0
      ? new RegExp(`^((?:[a-z0-9-]+\\.)*)(${ccBrands.join('|')})\\.(?:${CC_SLD}\\.)?[a-z]{2}$`)
      : null;

  const byParentDomain = (host: string): SourceEntry | undefined => {
    let rest = host;
    for (;;) {
      const hit = byDomain.get(rest);
      if (hit) return hit;
      const dot = rest.indexOf('.');
      if (dot < 0 || rest.indexOf('.', dot + 1) < 0) return undefined; // never match a bare TLD
      rest = rest.slice(dot + 1);
    }
  };

  const resolve = (raw: string): SourceEntry | undefined => {
    const value = raw.trim().toLowerCase();
    if (value === '') return undefined;
    const exact = byName.get(value);
    if (exact) return exact;
    const host = hostOf(value);
    if (host === null) return undefined;
    if (host.startsWith('app:')) return byName.get(host.slice(4));
    const hit = byParentDomain(host);
    if (hit) return hit;
    const cc = ccPattern?.exec(host);
    if (cc) return byParentDomain(`${cc[1] ?? ''}${cc[2] ?? ''}.com`);
    return undefined;
  };

  const memo = new Map<string, SourceEntry | null>();
  return {
    lookup(value: string): SourceEntry | undefined {
      const cached = memo.get(value);
      if (cached !== undefined) return cached ?? undefined;
      const found = resolve(value);
      if (memo.size >= memoLimit) memo.clear();
      memo.set(value, found ?? null);
      return found;
    },
  };
}

/**
 * The host of a lower-cased source or referrer value: `https://www.x.com/a` → `www.x.com`,
 * `android-app://com.a.b/` → `app:com.a.b`. Null when it does not look like a host (no dot).
 */
export function hostOf(value: string): string | null {
  let v = value;
  const scheme = v.indexOf('://');
  if (scheme >= 0) {
    const proto = v.slice(0, scheme);
    v = v.slice(scheme + 3);
    if (proto === 'android-app' || proto === 'ios-app') {
      const end = v.search(/[/?#]/);
      return `app:${end < 0 ? v : v.slice(0, end)}`;
    }
  }
  const end = v.search(/[/?#:]/);
  if (end >= 0) v = v.slice(0, end);
  if (v.endsWith('.')) v = v.slice(0, -1);
  return v.includes('.') && !v.includes(' ') ? v : null;
}

/** The shared default index over {@link SOURCE_ENTRIES}. */
export const defaultSourceIndex: SourceIndex = createSourceIndex();

/** The entry for a source in the default lists, or undefined. */
export function lookupSource(value: string): SourceEntry | undefined {
  return defaultSourceIndex.lookup(value);
}

/** The platform name of a source (`l.facebook.com` → `Meta`); `(direct)` for direct, `(other)` when unknown. */
export function platformOf(
  source: string | null | undefined,
  index: SourceIndex = defaultSourceIndex,
): string {
  if (!source) return '(other)';
  if (source === '(direct)') return '(direct)';
  return index.lookup(source)?.platform ?? '(other)';
}
