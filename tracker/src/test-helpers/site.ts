// Test harness for the browser snippet: a local node:http "site" that serves pages carrying the
// snippet and records what the snippet POSTs to /collect, plus one Chromium per test file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BuiltTracker } from '../../build.js';
import { expandCompactBody } from '../../../src/collect/compact-collect.js';

/**
 * The collect request body as the collector expands it (see docs/tracker.md "Wire format"): what the
 * tests check is what the collector stores. Events are left loosely typed for assertions.
 */
export interface CollectBody {
  writeKey: string;
  sentAt: string;
  batch: CollectedEvent[];
}
export interface CollectedEvent {
  type: string;
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  event?: string;
  properties: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: {
    page: { url: string; referrer: string; title: string };
    sessionId: string;
    timezone: string;
    screen: { width: number; height: number };
  };
}

export interface TestSite {
  port: number;
  /** http://<host>:<port><path>; hosts under *.test resolve to 127.0.0.1 in the test browser. */
  url(path: string, host?: string): string;
  /** Registers an HTML page at `path`. */
  page(path: string, html: string): void;
  /** Every /collect body received so far, in arrival order. */
  bodies: CollectBody[];
  /** All events received so far, flattened. */
  events(): CollectedEvent[];
  /** Answer the next `count` /collect requests with 503. */
  failNext(count: number): void;
  /** How many /collect requests arrived (including failed ones). */
  requests(): number;
  /** How many times the lazy part (`/cl.js?<hash>`) was requested. */
  lazyRequests(): number;
  /** Holds the lazy part's responses until the returned function is called (to act before it runs). */
  holdLazy(): () => void;
  close(): Promise<void>;
}

/** Events as the snippet keeps them (its outbox, `_cl_q`), expanded as the collector does. */
export function keyed(events: unknown[]): CollectedEvent[] {
  const expanded = expandCompactBody(['', '', events]);
  if (!expanded.ok)
    throw new Error(`not events the collector reads: ${expanded.field}: ${expanded.reason}`);
  return (expanded.body as CollectBody).batch;
}

/** The path of the event's page (the snippet sends the URL only; the collector derives path and search). */
export const pathOf = (e: CollectedEvent): string => new URL(e.context.page.url).pathname;
/** The query of the event's page, "" or "?…" (as location.search). */
export const searchOf = (e: CollectedEvent): string => new URL(e.context.page.url).search;

/** A page with the snippet tag; `attrs` are extra attributes on the script tag. */
export function pageWithSnippet(
  opts: { attrs?: string; head?: string; body?: string; title?: string } = {},
): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${opts.title ?? 'Test page'}</title>${opts.head ?? ''}
<script defer src="/cl.js" data-key="wk_test" ${opts.attrs ?? ''}></script></head><body>${opts.body ?? ''}</body></html>`;
}

/** Serves `tracker` as the server does: cl.js at /cl.js, its lazy part at /cl.js?<hash>. */
export async function startSite(tracker: BuiltTracker): Promise<TestSite> {
  const pages = new Map<string, string>();
  const bodies: CollectBody[] = [];
  let failures = 0;
  let requests = 0;
  let lazyRequests = 0;
  let held: (() => void)[] | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'POST' && path === '/collect') {
      requests++;
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
        return;
      }
      // as the collector reads it: the snippet's compact body expanded into keyed events
      const expanded = expandCompactBody(JSON.parse(raw));
      if (!expanded.ok) {
        res.writeHead(400).end(JSON.stringify(expanded));
        return;
      }
      bodies.push(expanded.body as CollectBody);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (path === '/cl.js') {
      if (req.url !== `/cl.js?${tracker.lazy.hash}`) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(tracker.code);
        return;
      }
      lazyRequests++;
      // Cached for good, as the server does (its name changes with its content).
      const send = (): void =>
        void res
          .writeHead(200, {
            'content-type': 'text/javascript',
            'cache-control': 'public, max-age=31536000, immutable',
          })
          .end(tracker.lazy.code);
      if (held) held.push(send);
      else send();
      return;
    }
    const html = pages.get(path);
    if (html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<!doctype html><title>other</title><p>${path}</p>`);
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (path, host = 'www.shop.test') => `http://${host}:${port}${path}`,
    page: (path, html) => void pages.set(path, html),
    bodies,
    events: () => bodies.flatMap((b) => b.batch),
    failNext: (count) => void (failures = count),
    requests: () => requests,
    lazyRequests: () => lazyRequests,
    holdLazy: () => {
      const waiting: (() => void)[] = (held = []);
      return () => {
        held = undefined;
        for (const send of waiting) send();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once the lazy part ran in `page` (it replaces the array of queued hand-offs with its dispatcher). */
export async function lazyRan(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !Object.values((window as unknown as { closedloop: object }).closedloop).some(Array.isArray),
  );
}

/** Polls until `find` returns something (or times out with the events seen so far in the message). */
export async function waitFor<T>(
  site: TestSite,
  find: (events: CollectedEvent[]) => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(site.events());
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = site.events().map((e) => `${e.type}:${e.event ?? pathOf(e)}`);
      throw new Error(`timed out waiting for events; received: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Debian's Chromium; *.test hosts map to loopback so cookie-domain and outbound cases use real host names. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
    ],
  });
}
