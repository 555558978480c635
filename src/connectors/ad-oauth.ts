// The OAuth refresh-token grant the ad platforms' connectors use (Google, LinkedIn, Microsoft): a form
// POST to the platform's token endpoint (or the connector's tokenUrl), its access token handed to the
// client, a rotated refresh token stored (sealed) before the next chunk. Every secret of the grant is
// masked in whatever an error could show. A connector with no refresh token keeps the access token it
// was given: its expiry is an error saying what to set.
import { z } from 'zod';
import { createHttpClient, createScrubber } from '../sources/http/index.js';
import { ConnectorError } from './errors.js';
import type { OpenedConnector } from './settings.js';
import type { SyncClientOptions } from './sync.js';

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
});

export interface GrantOptions {
  vendor: string;
  /** The platform's token endpoint (the connector's tokenUrl option replaces it). */
  tokenUrl: string;
  /** Form fields the platform wants besides the grant's (Microsoft's scope). */
  extra?: Record<string, string>;
}

/** A new access token for the connector, or a ConnectorError saying which setting would give one. */
export function refreshGrant(
  connector: OpenedConnector,
  client: SyncClientOptions,
  rotated: (refreshToken: string) => void,
  o: GrantOptions,
): (reason: string) => Promise<string> {
  const k = connector.credentials;
  if (!k.refreshToken)
    return async (reason) => {
      throw new ConnectorError(
        400,
        'token_expired',
        `${connector.name}: ${reason}, and the connector has no refreshToken to get a new one (set a new accessToken, or a refreshToken with the clientId)`,
        'refreshToken',
      );
    };
  const url = new URL(
    typeof connector.options.tokenUrl === 'string' ? connector.options.tokenUrl : o.tokenUrl,
  );
  const scrub = createScrubber('[secret]');
  for (const secret of Object.values(k)) scrub.add(secret);
  const http = createHttpClient({
    vendor: `${o.vendor} OAuth`,
    baseUrl: url.origin,
    scrub,
    ...(client.maxRetries !== undefined ? { maxRetries: client.maxRetries } : {}),
    ...(client.sleep ? { sleep: client.sleep } : {}),
    ...(client.backoffMs ? { backoffMs: client.backoffMs } : {}),
  });
  let refreshToken = k.refreshToken;
  return async () => {
    const t = await http.getJson(
      {
        method: 'POST',
        path: `${url.pathname}${url.search}`,
        shown: url.pathname,
        form: {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          ...(k.clientId ? { client_id: k.clientId } : {}),
          ...(k.clientSecret ? { client_secret: k.clientSecret } : {}),
          ...(o.extra ?? {}),
        },
      },
      TokenAnswer,
      'a token answer',
    );
    scrub.add(t.access_token);
    if (t.refresh_token && t.refresh_token !== refreshToken) {
      refreshToken = t.refresh_token;
      scrub.add(refreshToken);
      rotated(refreshToken);
    }
    return t.access_token;
  };
}
