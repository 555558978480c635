// `closedloop sync stripe`: the backfill of a workspace's Stripe account through the list endpoints
// (customers, then subscriptions, then invoices), each page stored as facts before the cursor after it
// is recorded, so a sync that fails resumes after the last stored page. A finished pass clears the
// cursor: the next sync reads everything again, and an object unchanged since is the same fact.
// Deriving from the new facts is the caller's next step (src/derive/stripe-record.ts: deriveStripe).
import {
  backfillFact,
  createStripeClient,
  type StripeClientOptions,
  type StripeResource,
} from '../sources/stripe/index.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';
import { ConnectorError } from './errors.js';
import { openConnector } from './settings.js';

export const STRIPE_RESOURCES: readonly StripeResource[] = [
  'customers',
  'subscriptions',
  'invoices',
];

/** Where a sync resumes: the resource it was reading and the last object stored. */
export interface StripeCursor {
  resource: StripeResource;
  startingAfter: string | null;
}

export interface StripeSyncResult {
  status: 'ok' | 'failed';
  /** Objects read in this run, and how many were new facts. */
  rows: number;
  inserted: number;
  pages: number;
  message?: string;
}

export interface StripeSyncOptions {
  /** Now, in ms (tests). */
  now?: () => number;
  /** Told after each page. */
  onProgress?: (p: { resource: StripeResource; rows: number; pages: number }) => void;
  /** Client settings for tests (retries, sleep); the key and base URL come from the connector. */
  client?: Omit<StripeClientOptions, 'secretKey' | 'baseUrl'>;
}

function cursorOf(stored: unknown): StripeCursor | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const c = stored as { resource?: unknown; startingAfter?: unknown };
  if (!STRIPE_RESOURCES.includes(c.resource as StripeResource)) return null;
  return {
    resource: c.resource as StripeResource,
    startingAfter: typeof c.startingAfter === 'string' ? c.startingAfter : null,
  };
}

/** Runs the Stripe backfill of a workspace, resuming from its stored cursor. */
export async function syncStripe(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  opts: StripeSyncOptions = {},
): Promise<StripeSyncResult> {
  const c = await openConnector(store, box, workspaceId, 'stripe');
  const key = c?.credentials.apiKey;
  if (!c || !key)
    throw new ConnectorError(
      400,
      'not_configured',
      "no Stripe API key: set the workspace's stripe connector with --api-key first",
      'apiKey',
    );
  const now = opts.now ?? Date.now;
  const client = createStripeClient({
    ...(opts.client ?? {}),
    secretKey: key,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
  });
  const start = cursorOf(c.cursor);
  const out: StripeSyncResult = { status: 'ok', rows: 0, inserted: 0, pages: 0 };
  const record = (
    cursor: StripeCursor | null,
    status: 'ok' | 'failed' | 'running',
    message?: string,
  ) =>
    store.recordConnectorSync(workspaceId, 'stripe', {
      cursor,
      lastSync: {
        at: new Date(now()).toISOString(),
        status,
        rows: out.rows,
        errors: status === 'failed' ? 1 : 0,
        ...(message !== undefined ? { message } : {}),
      },
    });
  let at: StripeCursor = start ?? { resource: 'customers', startingAfter: null };
  try {
    for (const resource of STRIPE_RESOURCES.slice(STRIPE_RESOURCES.indexOf(at.resource))) {
      const after = resource === at.resource ? at.startingAfter : null;
      at = { resource, startingAfter: after };
      for await (const page of client.pages(resource, { startingAfter: after })) {
        const readAt = now();
        const facts = page.data.map((o) => backfillFact(resource, o, readAt));
        const stored = await store.appendStripeFacts(workspaceId, facts);
        out.rows += page.data.length;
        out.inserted += stored.inserted;
        out.pages++;
        at = { resource, startingAfter: page.cursor ?? after };
        await record(at, 'running');
        opts.onProgress?.({ resource, rows: out.rows, pages: out.pages });
      }
    }
  } catch (err) {
    // the client's errors are free of the key; the cursor stays after the last stored page
    out.status = 'failed';
    out.message = err instanceof Error ? err.message : String(err);
    await record(at, 'failed', out.message);
    return out;
  }
  await record(null, 'ok');
  return out;
}
