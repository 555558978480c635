// The ad platforms' connectors, one entry each: the store's platform name, the account a connector
// pulls (from its settings; the decorations `act_`, dashes and the LinkedIn URN taken off, as the file
// import does), what a sync needs before it starts, and how a period of days is read through the
// platform's client (src/sources/<platform>) at its finest grain:
//
// - Google Ads: keyword_view rows, then what each ad group and campaign spent beyond its keywords as a
//   row of its own (Display, Performance Max, dynamic search), so the totals are the campaigns'; and
//   each day's click_view, the gclids the costs report resolves to their campaign, ad group and keyword;
// - Meta: Insights at the ad level (every spend is an ad's);
// - LinkedIn: adAnalytics by campaign and creative;
// - Microsoft Advertising: the Keyword report, then the AdGroup and Campaign reports' remainders.
import { fetchClicks } from '../sources/google-ads/click-view.js';
import { createGoogleAdsClient } from '../sources/google-ads/client.js';
import { createLinkedInAdsClient } from '../sources/linkedin-ads/client.js';
import { createMetaAdsClient } from '../sources/meta-ads/client.js';
import { createMicrosoftAdsClient } from '../sources/microsoft-ads/client.js';
import { withRemainders } from '../sources/ads/remainders.js';
import type { AdClientTuning, AdOAuth } from '../sources/ads/client-options.js';
import type { AdPlatform } from '../store/areas/ad-costs.js';
import type { AdClickRow } from '../util/ad-click-row.js';
import type { AdCostRow } from '../util/ad-cost-row.js';
import { refreshGrant } from './ad-oauth.js';
import { ConnectorError } from './errors.js';
import type { OpenedConnector } from './settings.js';
import type { SyncClientOptions } from './sync.js';
import type { AdConnectorName } from './vendors.js';
import { adAccountKey } from '../sources/ads/account-key.js';

/** What an ad platform's reader is given: the connector (secrets opened) and the clients' knobs. */
export interface AdReadContext {
  connector: OpenedConnector;
  client: SyncClientOptions;
  /** A refresh token the platform rotated: stored, sealed, before the next chunk. */
  rotated(refreshToken: string): void;
}

/** Reads an account's cost rows of from..to (days in the account's time zone, inclusive). */
export type AdDaysReader = (account: string, from: string, to: string) => Promise<AdCostRow[]>;

/** Reads an account's clicks of one day, each with the campaign it came from (Google's click_view). */
export type AdClicksReader = (account: string, day: string) => Promise<AdClickRow[]>;

/** A platform's reader: its costs, and its clicks where the platform tells them (same client, same token). */
export type AdReader = AdDaysReader & { clicks?: AdClicksReader };

export interface AdPlatformConnector {
  platform: AdPlatform;
  /** The option naming the account pulled. */
  accountOption: string;
  /** Days read and stored as one import (a failure resumes after the last one stored). */
  chunkDays: number;
  /** The settings a sync needs besides the account, each with what it is (named when missing). */
  required(c: OpenedConnector): string[];
  reader(ctx: AdReadContext): AdReader;
}

const option = (c: OpenedConnector, key: string): string | undefined =>
  typeof c.options[key] === 'string' ? c.options[key] : undefined;

/** An access token or a refresh grant: what the OAuth platforms need. */
const oauthMissing = (c: OpenedConnector): string[] =>
  c.credentials.accessToken || (c.credentials.refreshToken && c.credentials.clientId)
    ? []
    : ['accessToken, or refreshToken with clientId'];

function tuning(ctx: AdReadContext): AdClientTuning {
  const t = ctx.client;
  return {
    ...(t.sleep ? { sleep: t.sleep } : {}),
    ...(t.maxRetries !== undefined ? { maxRetries: t.maxRetries } : {}),
    ...(t.backoffMs ? { backoffMs: t.backoffMs } : {}),
    ...(t.log ? { log: t.log } : {}),
  };
}

function oauth(
  ctx: AdReadContext,
  vendor: string,
  tokenUrl: string,
  extra?: Record<string, string>,
): AdOAuth {
  const c = ctx.connector;
  return {
    accessToken: c.credentials.accessToken ?? null,
    refresh: refreshGrant(c, ctx.client, ctx.rotated, {
      vendor,
      tokenUrl,
      ...(extra ? { extra } : {}),
    }),
  };
}

const baseUrl = (c: OpenedConnector) => (c.baseUrl ? { baseUrl: c.baseUrl } : {});

export const AD_PLATFORM_CONNECTORS: Record<AdConnectorName, AdPlatformConnector> = {
  'google-ads': {
    platform: 'google',
    accountOption: 'customerId',
    chunkDays: 7,
    required: (c) => [
      ...(c.credentials.developerToken ? [] : ['developerToken']),
      ...oauthMissing(c),
    ],
    reader(ctx) {
      const c = ctx.connector;
      const login = option(c, 'loginCustomerId');
      const client = createGoogleAdsClient({
        ...tuning(ctx),
        ...baseUrl(c),
        developerToken: c.credentials.developerToken ?? '',
        oauth: oauth(ctx, 'Google Ads', 'https://oauth2.googleapis.com/token'),
        ...(login ? { loginCustomerId: login } : {}),
      });
      const costs: AdDaysReader = async (account, from, to) =>
        withRemainders([
          await client.costs(account, 'keyword', from, to),
          await client.costs(account, 'ad_group', from, to),
          await client.costs(account, 'campaign', from, to),
        ]);
      const clicks: AdClicksReader = (account, day) =>
        fetchClicks(client.searchStream, account, day);
      return Object.assign(costs, { clicks });
    },
  },
  meta: {
    platform: 'meta',
    accountOption: 'adAccountId',
    chunkDays: 7,
    required: (c) => (c.credentials.accessToken ? [] : ['accessToken']),
    reader(ctx) {
      const c = ctx.connector;
      const client = createMetaAdsClient({
        ...tuning(ctx),
        ...baseUrl(c),
        ...(ctx.client.pageSize ? { pageSize: ctx.client.pageSize } : {}),
        // Meta has no refresh grant: an expired token (code 190) is an error naming the setting
        oauth: oauth(ctx, 'Meta', 'https://graph.facebook.com/oauth/access_token'),
      });
      return (account, from, to) => client.insights(account, 'ad', from, to);
    },
  },
  linkedin: {
    platform: 'linkedin',
    accountOption: 'adAccountId',
    chunkDays: 31,
    required: oauthMissing,
    reader(ctx) {
      const c = ctx.connector;
      const client = createLinkedInAdsClient({
        ...tuning(ctx),
        ...baseUrl(c),
        oauth: oauth(ctx, 'LinkedIn', 'https://www.linkedin.com/oauth/v2/accessToken'),
      });
      return (account, from, to) => client.costs(account, from, to, 'CREATIVE');
    },
  },
  'microsoft-ads': {
    platform: 'microsoft',
    accountOption: 'accountId',
    chunkDays: 31,
    required: (c) => [
      ...(c.credentials.developerToken ? [] : ['developerToken']),
      ...(option(c, 'customerId') ? [] : ['customerId']),
      ...oauthMissing(c),
    ],
    reader(ctx) {
      const c = ctx.connector;
      const client = createMicrosoftAdsClient({
        ...tuning(ctx),
        ...baseUrl(c),
        developerToken: c.credentials.developerToken ?? '',
        customerId: option(c, 'customerId') ?? '',
        oauth: oauth(
          ctx,
          'Microsoft Advertising',
          'https://login.microsoftonline.com/common/oauth2/v2.0/token',
          { scope: 'https://ads.microsoft.com/msads.manage offline_access' },
        ),
      });
      return async (account, from, to) =>
        withRemainders([
          (await client.costs(account, 'Keyword', from, to)).rows,
          (await client.costs(account, 'AdGroup', from, to)).rows,
          (await client.costs(account, 'Campaign', from, to)).rows,
        ]);
    },
  },
};

/**
 * The account a connector pulls, without decorations; a 400 naming what a sync lacks (the setting's
 * name, never a value) when it cannot start.
 */
export function adAccountOf(name: AdConnectorName, c: OpenedConnector): string {
  const p = AD_PLATFORM_CONNECTORS[name];
  const account = option(c, p.accountOption);
  const missing = [...(account ? [] : [p.accountOption]), ...p.required(c)];
  if (missing.length > 0)
    throw new ConnectorError(
      400,
      'missing_credentials',
      `the ${name} connector lacks ${missing.join('; ')} (set with PUT /api/connectors/${name} or closedloop connect)`,
      missing[0]!.split(/[ ,]/)[0],
    );
  return adAccountKey(account!);
}
