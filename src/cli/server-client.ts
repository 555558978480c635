// The CLI beside a running server: DuckDB lets one process hold the data directory, so while `closedloop
// serve` runs, commands reach the data through its HTTP API, with the admin token it wrote into server.json.
import { request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { readServerFile } from '../server/admin-credential.js';
import { UsageError } from './errors.js';

/** The header naming the workspace an admin request acts on (as server/access.ts reads it). */
const WORKSPACE_HEADER = 'x-closedloop-workspace';

export interface ApiRequest {
  /** The workspace a secret-key route acts on. */
  workspace?: string;
  query?: Record<string, string | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A streamed body and its content type (file uploads). */
  stream?: { body: Readable; contentType: string };
}

/** An error the server answered with (its `{"error": {code, message, field}}` shape). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export class ServerClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /**
   * One API call; resolves with the JSON reply, rejects with an ApiFailure for an error reply. Uses
   * node:http, not fetch: an import may run for longer than fetch's fixed five-minute reply deadline.
   */
  call<T>(method: string, path: string, r: ApiRequest = {}): Promise<T> {
    const url = new URL(path, this.url);
    for (const [k, v] of Object.entries(r.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    if (r.workspace !== undefined) headers[WORKSPACE_HEADER] = r.workspace;
    const json = r.json === undefined ? undefined : JSON.stringify(r.json);
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (r.stream) headers['content-type'] = r.stream.contentType;
    return new Promise<T>((resolve, reject) => {
      const req = httpRequest(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          // a refusal can come before the whole upload is sent: stop sending, or the socket keeps the CLI alive
          if (r.stream) {
            r.stream.body.unpipe(req);
            r.stream.body.destroy();
            req.destroy();
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(body as T);
          const e = (
            body as { error?: { code?: string; message?: string; field?: string } } | undefined
          )?.error;
          reject(
            new ApiFailure(
              status,
              e?.code ?? 'http_error',
              e?.message ?? `${method} ${url.pathname}: HTTP ${status}`,
              e?.field,
            ),
          );
        });
      });
      req.on('error', reject);
      if (r.stream) {
        r.stream.body.on('error', (err) => req.destroy(err));
        r.stream.body.pipe(req);
      } else req.end(json);
    });
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but is another user's
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The server holding the data directory, or undefined: no server.json, or a stale one (its process is gone
 * or its URL does not answer), which is ignored.
 */
export async function findServer(dataDir: string): Promise<ServerClient | undefined> {
  const info = readServerFile(dataDir);
  if (!info || !alive(info.pid) || !(await answers(info.url))) return undefined;
  return new ServerClient(info.url, info.token);
}

/**
 * An error reply as the CLI reports it: a client error (4xx) is the user's to fix (exit 2), naming the
 * flag when the server named a field the command maps; anything else is a failure (exit 1).
 */
export function asCliError(err: unknown, flags: Record<string, string> = {}): Error {
  if (!(err instanceof ApiFailure)) return err as Error;
  if (err.status >= 400 && err.status < 500) {
    const flag =
      err.field === undefined
        ? undefined
        : (flags[err.field.split('.')[0]!] ?? flags['*'] ?? err.field);
    return new UsageError(err.message, flag);
  }
  return new Error(`the server answered ${err.status} ${err.code}: ${err.message}`);
}
