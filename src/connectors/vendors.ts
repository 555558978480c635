// The connectors a workspace can set up, and what each takes (PUT /api/connectors/:name, `closedloop
// connect`). One flat shape per vendor, checked by zod: every field optional on a change (a field left
// out keeps its stored value; null clears it), unknown fields refused by name.
import { z } from 'zod';

/** The CRM and billing connectors: each has a webhook receiver (/hooks/<name>/<workspace>). */
export const WEBHOOK_CONNECTOR_NAMES = ['hubspot', 'salesforce', 'pipedrive', 'stripe'] as const;
export type WebhookConnectorName = (typeof WEBHOOK_CONNECTOR_NAMES)[number];
/** The ad platforms' connectors: their sync pulls daily costs (ad-platforms.ts); no webhook. */
export const AD_CONNECTOR_NAMES = ['google-ads', 'meta', 'linkedin', 'microsoft-ads'] as const;
export type AdConnectorName = (typeof AD_CONNECTOR_NAMES)[number];

export const CONNECTOR_NAMES = [...WEBHOOK_CONNECTOR_NAMES, ...AD_CONNECTOR_NAMES] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

export const isAdConnectorName = (name: string): name is AdConnectorName =>
  (AD_CONNECTOR_NAMES as readonly string[]).includes(name);

export const isConnectorName = (name: string): name is ConnectorName =>
  (CONNECTOR_NAMES as readonly string[]).includes(name);

const secret = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, 'must not be empty')
    .max(4096, 'is longer than 4096 characters')
    .nullable()
    .optional();

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .nullable()
  .optional();

/** The secret fields: sealed at rest, never answered. `webhookSecret` is sealed on its own. */
export const CREDENTIAL_FIELDS = [
  'apiKey',
  'accessToken',
  'refreshToken',
  'clientId',
  'clientSecret',
  'developerToken',
] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];

const common = {
  webhookSecret: secret("the vendor's webhook signing secret"),
  baseUrl: httpUrl,
};

/** What each vendor's connector takes; the fields not in CREDENTIAL_FIELDS or webhookSecret are options. */
export const CONNECTOR_SCHEMAS = {
  // webhookSecret: the app's client secret (X-HubSpot-Signature-v3); apiKey: a private app token, or
  // an OAuth app's clientId, clientSecret and refreshToken
  hubspot: z.strictObject({
    ...common,
    apiKey: secret('a private app access token'),
    clientId: secret('the OAuth app client id'),
    clientSecret: secret('the OAuth app client secret'),
    refreshToken: secret('an OAuth refresh token'),
  }),
  // webhookSecret: the token Outbound Messages and the CDC relay present (?token= or Bearer);
  // baseUrl: the org's My Domain URL; organizationId: only this org's Outbound Messages are accepted
  salesforce: z.strictObject({
    ...common,
    accessToken: secret('an access token'),
    clientId: secret('the connected app consumer key'),
    clientSecret: secret('the connected app consumer secret'),
    refreshToken: secret('an OAuth refresh token'),
    loginUrl: httpUrl,
    organizationId: z
      .string()
      .regex(/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/, 'must be a Salesforce org id (00D...)')
      .nullable()
      .optional(),
    // a multi-currency org: opportunities are read with CurrencyIsoCode (the field exists only there)
    multiCurrency: z.boolean().nullable().optional(),
  }),
  // webhookSecret: the webhook's Basic-auth password; webhookUser: its user name (any when unset)
  pipedrive: z.strictObject({
    ...common,
    apiKey: secret('an API token'),
    clientId: secret('the OAuth app client id'),
    clientSecret: secret('the OAuth app client secret'),
    refreshToken: secret('an OAuth refresh token'),
    webhookUser: z.string().min(1).max(200).nullable().optional(),
  }),
  // webhookSecret: the endpoint's signing secret (whsec_...); apiKey: a secret or restricted key
  stripe: z.strictObject({
    ...common,
    apiKey: secret('a secret or restricted API key (sk_... or rk_...)'),
  }),
} as const;

// the ad platforms' account ids, as their UIs show them (the decorations are taken off when stored)
const accountId = (pattern: RegExp, what: string) =>
  z.string().trim().regex(pattern, `must be ${what}`).nullable().optional();
const adCommon = {
  baseUrl: httpUrl,
  // the OAuth token endpoint, when not the platform's own (a proxy; tests)
  tokenUrl: httpUrl,
};

/** The ad platforms' connectors: each one ad account, its API credentials and base URL. */
export const AD_CONNECTOR_SCHEMAS = {
  // an OAuth client's refresh token (an access token is got from it) and the developer token;
  // customerId: the account pulled; loginCustomerId: the manager account the access goes through
  'google-ads': z.strictObject({
    ...adCommon,
    developerToken: secret('the Google Ads API developer token'),
    clientId: secret('the OAuth client id'),
    clientSecret: secret('the OAuth client secret'),
    refreshToken: secret('an OAuth refresh token'),
    accessToken: secret('an OAuth access token (refreshed from the refresh token when it expires)'),
    customerId: accountId(/^\d{3}-?\d{3}-?\d{4}$/, 'a Google Ads customer id (123-456-7890)'),
    loginCustomerId: accountId(
      /^\d{3}-?\d{3}-?\d{4}$/,
      'a Google Ads manager customer id (123-456-7890)',
    ),
  }),
  // a system user's (long-lived) access token; Meta has no refresh grant
  meta: z.strictObject({
    ...adCommon,
    accessToken: secret('a Marketing API access token'),
    adAccountId: accountId(/^(?:act_)?\d+$/, 'a Meta ad account id (act_123... or digits)'),
  }),
  // an access token, or a refresh token with the app's client id and secret
  linkedin: z.strictObject({
    ...adCommon,
    accessToken: secret('an OAuth access token'),
    refreshToken: secret('an OAuth refresh token'),
    clientId: secret('the OAuth app client id'),
    clientSecret: secret('the OAuth app client secret'),
    adAccountId: accountId(
      /^(?:urn:li:sponsoredAccount:)?\d+$/,
      'a LinkedIn ad account id (digits or urn:li:sponsoredAccount:...)',
    ),
  }),
  // the developer token and a Microsoft identity platform refresh token (clientSecret for web apps)
  'microsoft-ads': z.strictObject({
    ...adCommon,
    developerToken: secret('the Microsoft Advertising developer token'),
    clientId: secret('the OAuth app (client) id'),
    clientSecret: secret('the OAuth client secret (web apps only)'),
    refreshToken: secret('an OAuth refresh token'),
    accessToken: secret('an OAuth access token (refreshed from the refresh token when it expires)'),
    accountId: accountId(/^\d+$/, 'a Microsoft Advertising account id (digits)'),
    customerId: accountId(/^\d+$/, 'a Microsoft Advertising customer id (digits)'),
  }),
} as const;

/** Every connector's schema, by name. */
export const ALL_CONNECTOR_SCHEMAS = { ...CONNECTOR_SCHEMAS, ...AD_CONNECTOR_SCHEMAS } as const;

export type ConnectorInput = z.infer<(typeof ALL_CONNECTOR_SCHEMAS)[ConnectorName]>;
