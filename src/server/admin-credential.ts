// The local admin credential: a running server writes `<dataDir>/server.json` (its loopback URL, pid and a
// random admin token, readable by its owner only) so that the CLI on the same machine, which cannot open
// the database while the server holds it, acts through the server's API instead. The server keeps only the
// token's hash and compares in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const SERVER_FILE = 'server.json';

/** What server.json holds. */
export const ServerInfo = z.object({
  url: z.url(),
  pid: z.number().int().positive(),
  token: z.string().min(20),
  startedAt: z.string(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

/** Checks a presented token against the admin token's hash. */
export interface AdminCheck {
  matches(token: string): boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A new admin token (for server.json) and its check (for the server, which forgets the token itself). */
export function newAdminToken(): { token: string; check: AdminCheck } {
  const token = `adm_${randomBytes(32).toString('base64url')}`;
  const hash = digest(token);
  // both sides are sha256 digests, so equal lengths: timingSafeEqual never throws and leaks nothing
  return { token, check: { matches: (t) => timingSafeEqual(digest(t), hash) } };
}

export const serverFilePath = (dataDir: string) => join(dataDir, SERVER_FILE);

/**
 * Writes server.json atomically (a temporary file, synced, renamed over it), created with mode 0600 so no
 * other local user can read the token.
 */
export function writeServerFile(dataDir: string, info: ServerInfo): void {
  const path = serverFilePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(info, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The server file's contents, or undefined when it is absent or not one we wrote. */
export function readServerFile(dataDir: string): ServerInfo | undefined {
  let text: string;
  try {
    text = readFileSync(serverFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = ServerInfo.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Removes server.json if it is still this process's (never another server's that started since). */
export function removeServerFile(dataDir: string, pid = process.pid): void {
  const info = readServerFile(dataDir);
  if (info && info.pid !== pid) return;
  rmSync(serverFilePath(dataDir), { force: true });
}

/** The URL the CLI on this machine reaches a server at, from the host it bound and the port it got. */
export function loopbackUrl(host: string, port: number): string {
  const anyOrLocal =
    ['0.0.0.0', '::', 'localhost', '::1', ''].includes(host) || host.startsWith('127.');
  const h = anyOrLocal
    ? host === '::1'
      ? '[::1]'
      : host.startsWith('127.')
        ? host
        : '127.0.0.1'
    : host.includes(':')
      ? `[${host}]`
      : host;
  return `http://${h}:${port}`;
}
