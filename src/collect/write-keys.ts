import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';

/**
 * Write key → workspace, cached: every ingestion request needs it, and keys change rarely.
 * Unknown keys are cached briefly too, so a misconfigured client cannot hammer the store.
 */
export class WriteKeyCache {
  private hits = new Map<string, { ws: Workspace | undefined; until: number }>();
  constructor(
    private readonly store: Store,
    private readonly ttlMs = 60_000,
  ) {}

  clear(): void {
    this.hits.clear();
  } // a deleted workspace's key must stop at once

  /**
   * The cached answer for a key while it is fresh (`{ ws: undefined }`: a key known to be unknown), else
   * undefined: then resolve() asks the store. Synchronous, so a hit costs a request no promise.
   */
  peek(writeKey: string): Readonly<{ ws: Workspace | undefined }> | undefined {
    const c = this.hits.get(writeKey);
    return c && c.until > Date.now() ? c : undefined;
  }

  async resolve(writeKey: string): Promise<Workspace | undefined> {
    const c = this.peek(writeKey);
    if (c) return c.ws;
    const now = Date.now();
    const ws = await this.store.findWorkspaceByWriteKey(writeKey);
    if (this.hits.size > 10_000) this.hits.clear();
    this.hits.set(writeKey, { ws, until: now + (ws ? this.ttlMs : 5_000) });
    return ws;
  }
}

/**
 * The write key, wherever an SDK puts it: `Authorization: Basic base64(key:)` (every Segment and RudderStack
 * SDK; the scheme name is case-insensitive), else `writeKey` in the body (analytics.js also sends it there,
 * the snippet only there). RudderStack's beacon puts it in the query string (`?writeKey=`), which its route
 * passes in as the body's.
 */
export function writeKeyFrom(authorization: string | undefined, body: unknown): string | undefined {
  const user = basicUser(authorization ?? '');
  if (user) return user;
  if (body && typeof body === 'object' && 'writeKey' in body) {
    const k = (body as { writeKey: unknown }).writeKey;
    if (typeof k === 'string' && k) return k;
  }
  return undefined;
}

/** The last Authorization header read and its user name: an SDK sends the same header with every request. */
let lastAuthorization = '';
let lastUser: string | undefined;

/** The user name of a Basic Authorization header (the scheme name is case-insensitive), else undefined. */
function basicUser(authorization: string): string | undefined {
  if (authorization !== lastAuthorization) {
    const basic = /^basic\s+(\S+)/i.exec(authorization);
    const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
    lastUser = decoded.split(':')[0] || undefined;
    lastAuthorization = authorization;
  }
  return lastUser;
}
