// The vendor API clients a re-fetch uses, made from a connector's stored credentials and base URL. A
// connector that lacks what a client needs is a ReceiptLoadError naming the setting (never its value).
import { createHubSpotClient, type HubSpotClient } from '../sources/hubspot/index.js';
import { createSalesforceClient } from '../sources/salesforce/client.js';
import type { SalesforceClient } from '../sources/salesforce/client-types.js';
import type { OpenedConnector } from './settings.js';

/** How hard a re-fetch tries before the loader's own backoff takes over (tests shorten it). */
export interface ClientTuning {
  /** Retries within one load. Default 1: the loader retries later with its own backoff. */
  maxRetries?: number;
  timeoutMs?: number;
  backoffMs?: { base?: number; max?: number };
}

/** A batch that cannot be loaded now: the receipts stay unloaded and the load is retried later. */
export class ReceiptLoadError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiptLoadError';
  }
}

const tuned = (t: ClientTuning) => ({
  maxRetries: t.maxRetries ?? 1,
  timeoutMs: t.timeoutMs ?? 30_000,
  ...(t.backoffMs ? { backoffMs: t.backoffMs } : {}),
});

export function hubspotClientOf(c: OpenedConnector | undefined, t: ClientTuning): HubSpotClient {
  const token = c?.credentials.apiKey ?? c?.credentials.accessToken;
  if (!c || !token)
    throw new ReceiptLoadError(
      'no_credentials',
      "hubspot: re-fetching the objects a webhook names needs the connector's apiKey (a private app token)",
    );
  return createHubSpotClient({
    accessToken: token,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    ...tuned(t),
  });
}

export function salesforceClientOf(
  c: OpenedConnector | undefined,
  t: ClientTuning,
): SalesforceClient {
  const cr = c?.credentials ?? {};
  const oauth =
    cr.refreshToken && cr.clientId
      ? {
          refreshToken: cr.refreshToken,
          clientId: cr.clientId,
          ...(cr.clientSecret ? { clientSecret: cr.clientSecret } : {}),
          ...(typeof c?.options.loginUrl === 'string' ? { loginUrl: c.options.loginUrl } : {}),
        }
      : undefined;
  if (!c || !c.baseUrl || (!cr.accessToken && !oauth))
    throw new ReceiptLoadError(
      'no_credentials',
      "salesforce: re-fetching the records a change event names needs the connector's baseUrl (the org's My Domain URL) and an accessToken, or a refreshToken with the clientId",
    );
  return createSalesforceClient({
    instanceUrl: new URL(c.baseUrl).origin,
    multiCurrency: c.options.multiCurrency === true,
    ...(cr.accessToken ? { accessToken: cr.accessToken } : {}),
    ...(oauth ? { oauth } : {}),
    ...tuned(t),
  });
}
