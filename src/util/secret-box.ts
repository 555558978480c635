// Encryption at rest of small secrets (connector credentials, webhook secrets) under the install's
// secret key. AES-256-GCM, a fresh 96-bit nonce per value, the key derived from the secret key by HKDF
// with a context label, and the value's own context (workspace, vendor, field) as additional data, so a
// sealed value copied into another row does not open there. The sealed form is versioned text:
//
//   cl1.<key id>.<base64url(nonce | ciphertext | tag)>
//
// The key id (a hash of the derived key) says which key sealed a value, so a later rotation can hold an
// old key beside the new one and re-seal; a value sealed under a key not held fails, saying so.
//
//   const box = secretBox(secretKey);
//   const sealed = box.seal('whsec_...', 'ws_1/stripe/webhookSecret');
//   box.open(sealed, 'ws_1/stripe/webhookSecret'); // 'whsec_...'
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'cl1';
const LABEL = 'closedloop secret-box v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: tampered, sealed under another key or context, or not ours. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  /** The id of the key this box seals with. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** Throws SecretBoxError (never naming the value) when the value does not open. */
  open(sealed: string, context: string): string;
}

function derive(secretKey: string): { key: Buffer; id: string } {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'closedloop', LABEL, 32));
  const id = createHash('sha256').update(LABEL).update(key).digest('base64url').slice(0, 8);
  return { key, id };
}

/** A box over the secret key (at least 32 characters: config/secret-key.ts checks it). */
export function secretBox(secretKey: string): SecretBox {
  const { key, id } = derive(secretKey);
  return {
    keyId: id,
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const packed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
      return `${VERSION}.${id}.${packed.toString('base64url')}`;
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION)
        throw new SecretBoxError(`not a sealed value of version ${VERSION}`);
      if (parts[1] !== id)
        throw new SecretBoxError(
          `sealed under another secret key (key id ${parts[1]}, this one is ${id}): was CLOSEDLOOP_SECRET_KEY changed?`,
        );
      const packed = Buffer.from(parts[2]!, 'base64url');
      if (packed.length < NONCE_BYTES + TAG_BYTES)
        throw new SecretBoxError('sealed value too short');
      const nonce = packed.subarray(0, NONCE_BYTES);
      const tag = packed.subarray(packed.length - TAG_BYTES);
      const body = packed.subarray(NONCE_BYTES, packed.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          'sealed value does not authenticate (tampered, or another context)',
        );
      }
    },
  };
}
