// The install's secret key (CLOSEDLOOP_SECRET_KEY): the root every at-rest encryption key is derived
// from (connector credentials and webhook secrets, src/util/secret-box.ts). Set it in production, the
// same on every process sharing a control store. Unset, one is generated once into the data directory
// (owner-only, 0600) and reused on every start after, as n8n and Grafana do for a single machine.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_ENV = 'CLOSEDLOOP_SECRET_KEY';
/** The generated key's file, in the data directory. */
export const SECRET_KEY_FILE = 'secret.key';
export const MIN_SECRET_KEY_LENGTH = 32;

/** A key too short or a key file unreadable: a start-up error that never shows the key. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** Where the key came from (for a start-up log line; never the key itself). */
export type SecretKeySource = 'environment' | 'file' | 'generated';

function checked(key: string, from: string): string {
  if (key.length < MIN_SECRET_KEY_LENGTH)
    throw new SecretKeyError(
      `${from}: the secret key must be at least ${MIN_SECRET_KEY_LENGTH} characters (it has ${key.length}); e.g. openssl rand -base64 48`,
    );
  return key;
}

/**
 * The secret key: CLOSEDLOOP_SECRET_KEY when set (an empty value counts as unset), else the data
 * directory's secret.key, else a new random one written there with mode 0600 (created exclusively,
 * so two processes starting together agree on the one that won). Throws SecretKeyError.
 */
export function resolveSecretKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { key: string; source: SecretKeySource } {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: checked(fromEnv, SECRET_KEY_ENV), source: 'environment' };
  const path = join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new SecretKeyError(
        `${path}: cannot create the secret key file (${(err as Error).message})`,
      );
    return { key: readKeyFile(path), source: 'file' };
  }
  const key = randomBytes(48).toString('base64url');
  try {
    writeSync(fd, `${key}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600); // the umask may have narrowed it further; never wider
  return { key, source: 'generated' };
}

function readKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SecretKeyError(
      `${path}: cannot read the secret key file (${(err as Error).message})`,
    );
  }
  const key = text.trim();
  // a file another process is still writing reads empty for an instant: wait for its line
  if (key === '') {
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      const again = readFileSync(path, 'utf8').trim();
      if (again !== '') return checked(again, path);
    }
  }
  return checked(key, path);
}
