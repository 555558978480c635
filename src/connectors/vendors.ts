// The connectors a workspace can set up, and what each takes (PUT /api/connectors/:name, `closedloop
// connect`). One flat shape per vendor, checked by zod: every field optional on a change (a field left
// out keeps its stored value; null clears it), unknown fields refused by name.
import { z } from 'zod';

export const CONNECTOR_NAMES = ['hubspot', 'salesforce', 'pipedrive', 'stripe'] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

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

export type ConnectorInput = z.infer<(typeof CONNECTOR_SCHEMAS)[ConnectorName]>;
