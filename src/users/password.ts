// Passwords, hashed with scrypt (node:crypto, maintained with Node itself: no native add-on to build).
// Each hash carries its own parameters and salt, `scrypt$N$r$p$salt$key`, so the cost can be raised later
// and older hashes still verify. Verification compares in constant time.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s on one core), a 16-byte salt, a 32-byte key. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** The shortest and longest password accepted (a long one would only cost hashing time). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1024;

// scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is just short of N = 2^15
const maxmem = (N: number, r: number) => 128 * N * r + 1024 * 1024;

/** A password's problem (too short or long), or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT;
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await scrypt(password, salt, SCRYPT.keyBytes, { N, r, p, maxmem: maxmem(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// parameters a stored hash may name: anything else is refused rather than run (a tampered row must not
// make a sign-in take minutes or gigabytes)
const plausible = (N: number, r: number, p: number) =>
  Number.isInteger(Math.log2(N)) &&
  N >= 2 ** 10 &&
  N <= 2 ** 20 &&
  r >= 1 &&
  r <= 32 &&
  p >= 1 &&
  p <= 16;

/** True when `password` is the one `encoded` was made from. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!plausible(N, r, p)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length < 16) return false;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: what an unknown e-mail is checked against, so it costs the same time. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> =>
  (decoy ??= hashPassword(randomBytes(24).toString('base64url')));
