// Stripe webhook signatures. Stripe signs each delivery with the endpoint's signing secret
// (`whsec_...`): the `Stripe-Signature` header carries `t=<unix seconds>` and one `v1=<hex>` per
// secret in force (two while a rolled secret's old one still lives), each the HMAC-SHA256 of
// `${t}.${raw body}`. A delivery is authentic when any v1 matches any secret we hold, and fresh when
// `t` is within the tolerance (5 minutes) of our clock. The body must be the bytes as received:
// re-serialised JSON would not match.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused; each maps to a 400 or 401 that names it. */
export type SignatureFailure =
  | 'no_secret'
  | 'missing_header'
  | 'malformed_header'
  | 'no_v1_signature'
  | 'no_matching_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future';

export class StripeSignatureError extends Error {
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'StripeSignatureError';
  }
}

export interface VerifyOptions {
  /** The endpoint's signing secrets; several while one is being rotated on our side. */
  secrets: string | readonly string[];
  /** Largest distance between `t` and now, either way. Default 300 (Stripe's own libraries' default). */
  toleranceSeconds?: number;
  /** Now, in ms (tests). */
  now?: number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

interface ParsedHeader {
  timestamp: string;
  v1: Buffer[];
}

function parseHeader(header: string): ParsedHeader {
  let timestamp: string | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new StripeSignatureError(
        'malformed_header',
        `Stripe-Signature: "${part.trim()}" is not key=value`,
      );
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null)
        throw new StripeSignatureError('malformed_header', 'Stripe-Signature: two t= values');
      if (!/^\d{1,12}$/.test(value)) {
        throw new StripeSignatureError(
          'malformed_header',
          'Stripe-Signature: t= is not a unix time in seconds',
        );
      }
      timestamp = value;
    } else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) {
      v1.push(Buffer.from(value, 'hex'));
    }
    // other schemes (v0: test mode's legacy) and malformed v1 values are not signatures we accept
  }
  if (timestamp === null)
    throw new StripeSignatureError('malformed_header', 'Stripe-Signature: no t= timestamp');
  if (v1.length === 0)
    throw new StripeSignatureError('no_v1_signature', 'Stripe-Signature: no v1 signature');
  return { timestamp, v1 };
}

/**
 * Checks a delivery's `Stripe-Signature` against the raw body; returns the signed timestamp (unix
 * seconds) or throws a `StripeSignatureError` naming the reason. Compares in constant time.
 */
export function verifyStripeSignature(
  header: string | undefined | null,
  rawBody: string | Uint8Array,
  options: VerifyOptions,
): { timestamp: number } {
  const secrets = (
    typeof options.secrets === 'string' ? [options.secrets] : options.secrets
  ).filter((s) => s.length > 0);
  if (secrets.length === 0)
    throw new StripeSignatureError('no_secret', 'no Stripe signing secret is configured');
  if (!header) throw new StripeSignatureError('missing_header', 'no Stripe-Signature header');
  const { timestamp, v1 } = parseHeader(header);
  let matched = false;
  for (const secret of secrets) {
    const expected = hmac(secret, timestamp, rawBody);
    // every pair is compared, so the time taken does not tell which one matched
    for (const signature of v1) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) {
    throw new StripeSignatureError(
      'no_matching_signature',
      'Stripe-Signature: no v1 signature matches the body with the configured secret',
    );
  }
  const t = Number(timestamp);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (now - t > tolerance) {
    throw new StripeSignatureError(
      'timestamp_too_old',
      `Stripe-Signature: signed ${now - t} s ago, more than the ${tolerance} s tolerance (a replay?)`,
    );
  }
  if (t - now > tolerance) {
    throw new StripeSignatureError(
      'timestamp_in_future',
      `Stripe-Signature: signed ${t - now} s in the future, more than the ${tolerance} s tolerance (clock skew?)`,
    );
  }
  return { timestamp: t };
}

/**
 * A `Stripe-Signature` header for a body, as Stripe would send it: for tests and the simulator's
 * Stripe writer. Several secrets give several v1 entries (a secret rotation).
 */
export function stripeSignatureHeader(
  rawBody: string | Uint8Array,
  secrets: string | readonly string[],
  timestampSeconds: number,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const t = String(Math.floor(timestampSeconds));
  return [`t=${t}`, ...list.map((s) => `v1=${hmac(s, t, rawBody).toString('hex')}`)].join(',');
}
