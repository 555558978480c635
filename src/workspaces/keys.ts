import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  // rejection sampling keeps every character equally likely
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/** Public: goes in the browser snippet and SDKs; can only write events. */
export const newWriteKey = () => `wk_${randomToken(24)}`;
/** Secret: reads data through the API. Shown once; only its hash is stored. */
export const newSecretKey = () => `sk_${randomToken(40)}`;
export const newWorkspaceId = () => `ws_${randomToken(12)}`;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
