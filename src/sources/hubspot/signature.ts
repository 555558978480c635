// HubSpot webhook signatures, version 3. HubSpot signs each delivery with the app's client secret:
// `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256 of method + URI + raw body + the
// `X-HubSpot-Request-Timestamp` header (epoch milliseconds), and a delivery older than 5 minutes is to
// be refused (a replay). The URI is the full one HubSpot called (scheme, host, path, query), with the
// percent-encodings of : / ? @ ! $ ' ( ) * , ; decoded and every other encoding left as it is, as
// HubSpot's "Validating requests" guide says. The body must be the bytes as received.
//
//   verifyHubSpotSignature(
//     { method: 'POST', uri: 'https://crm.example.com/hooks/hubspot/ws_1', body, signature, timestamp },
//     { secrets: appSecret },
//   );

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused; each maps to a 400 or 401 that names it. */
export type HubSpotSignatureFailure =
  | 'no_secret'
  | 'missing_signature'
  | 'missing_timestamp'
  | 'malformed_signature'
  | 'malformed_timestamp'
  | 'no_matching_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future';

export class HubSpotSignatureError extends Error {
  constructor(
    readonly reason: HubSpotSignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotSignatureError';
  }
}

/** What HubSpot signed: the request as it arrived. */
export interface SignedRequest {
  /** The HTTP method (HubSpot sends POST). */
  method: string;
  /**
   * The full URI HubSpot called, e.g. `https://crm.example.com/hooks/hubspot/ws_1?x=1`. Behind a proxy
   * it comes from the public base URL configured for the server, not from the Host header.
   */
  uri: string;
  /** The raw body, as received. */
  body: string | Uint8Array;
  /** `X-HubSpot-Signature-v3`. */
  signature: string | undefined | null;
  /** `X-HubSpot-Request-Timestamp`: epoch milliseconds. */
  timestamp: string | undefined | null;
}

export interface HubSpotVerifyOptions {
  /** The app's client secret; several while one is being rotated. */
  secrets: string | readonly string[];
  /** Oldest delivery accepted, and furthest ahead of our clock. Default 300,000 ms (HubSpot's 5 minutes). */
  toleranceMs?: number;
  /** Now, in ms (tests). */
  now?: number;
}

export const HUBSPOT_TOLERANCE_MS = 300_000;

// the percent-encodings HubSpot decodes before signing (its guide's table); nothing else is decoded
const SIGNED_URI_DECODES: Record<string, string> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/** The URI as HubSpot signs it: its table's percent-encodings decoded (either case), others kept. */
export function hubspotSignedUri(uri: string): string {
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (_m, hex: string) => SIGNED_URI_DECODES[hex.toUpperCase()]!,
  );
}

function hmac(
  secret: string,
  method: string,
  uri: string,
  body: string | Uint8Array,
  timestamp: string,
): Buffer {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}${hubspotSignedUri(uri)}`)
    .update(body)
    .update(timestamp)
    .digest();
}

/**
 * Checks a delivery's `X-HubSpot-Signature-v3` and its timestamp; returns the signed time (epoch ms)
 * or throws a `HubSpotSignatureError` naming the reason. Compares in constant time. The signature is
 * checked before the time, so a forged delivery is told only that its signature does not match.
 */
export function verifyHubSpotSignature(
  request: SignedRequest,
  options: HubSpotVerifyOptions,
): { timestamp: number } {
  const secrets = (
    typeof options.secrets === 'string' ? [options.secrets] : options.secrets
  ).filter((s) => s.length > 0);
  if (secrets.length === 0)
    throw new HubSpotSignatureError('no_secret', 'no HubSpot app secret is configured');
  if (!request.signature)
    throw new HubSpotSignatureError('missing_signature', 'no X-HubSpot-Signature-v3 header');
  if (!request.timestamp)
    throw new HubSpotSignatureError('missing_timestamp', 'no X-HubSpot-Request-Timestamp header');
  const timestamp = request.timestamp.trim();
  if (!/^\d{1,16}$/.test(timestamp)) {
    throw new HubSpotSignatureError(
      'malformed_timestamp',
      'X-HubSpot-Request-Timestamp is not a time in epoch milliseconds',
    );
  }
  const given = request.signature.trim();
  const signature = Buffer.from(given, 'base64');
  // a SHA-256 digest is 32 bytes, 44 characters of base64
  if (signature.length !== 32 || !/^[A-Za-z0-9+/]{43}=$/.test(given)) {
    throw new HubSpotSignatureError(
      'malformed_signature',
      'X-HubSpot-Signature-v3 is not a base64 HMAC-SHA256',
    );
  }
  let matched = false;
  for (const secret of secrets) {
    const expected = hmac(secret, request.method, request.uri, request.body, timestamp);
    // every secret is tried, so the time taken does not tell which one matched
    matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) {
    throw new HubSpotSignatureError(
      'no_matching_signature',
      'X-HubSpot-Signature-v3 does not match the method, URI, body and timestamp with the configured app secret',
    );
  }
  const t = Number(timestamp);
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? HUBSPOT_TOLERANCE_MS;
  if (now - t > tolerance) {
    throw new HubSpotSignatureError(
      'timestamp_too_old',
      `X-HubSpot-Request-Timestamp is ${Math.round((now - t) / 1000)} s old, more than the ${tolerance / 1000} s allowed (a replay?)`,
    );
  }
  if (t - now > tolerance) {
    throw new HubSpotSignatureError(
      'timestamp_in_future',
      `X-HubSpot-Request-Timestamp is ${Math.round((t - now) / 1000)} s ahead, more than the ${tolerance / 1000} s allowed (clock skew?)`,
    );
  }
  return { timestamp: t };
}

/**
 * The headers HubSpot would send with a body: for tests and the simulator's HubSpot writer.
 */
export function hubspotSignatureHeaders(
  request: { method: string; uri: string; body: string | Uint8Array },
  secret: string,
  timestampMs: number,
): { 'X-HubSpot-Signature-v3': string; 'X-HubSpot-Request-Timestamp': string } {
  const timestamp = String(Math.floor(timestampMs));
  return {
    'X-HubSpot-Signature-v3': hmac(
      secret,
      request.method,
      request.uri,
      request.body,
      timestamp,
    ).toString('base64'),
    'X-HubSpot-Request-Timestamp': timestamp,
  };
}
