// A browser SDK from node_modules, bundled into a page that real Chromium loads from a site of its own
// (www.shop.test, mapped to loopback), with every request the page makes recorded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SITE_HOST = 'www.shop.test';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles `entry` (ES module source importing the SDK package) into one IIFE for the browser. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

export interface SdkSite {
  origin: string;
  browser: Browser;
  close(): Promise<void>;
  /** A fresh browser context on the site's page, recording the URL and headers of every request. */
  open(): Promise<{
    context: BrowserContext;
    page: Page;
    requests: { url: string; method: string; headers: Record<string, string> }[];
  }>;
}

/** Serves `/` (a blank page that loads the bundle from `/sdk.js`) and launches Chromium. */
export async function startSdkSite(bundle: string): Promise<SdkSite> {
  const site: Server = createServer((req, res) => {
    if (req.url === '/sdk.js')
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html><head><meta charset="utf-8"><title>Shop</title><script src="/sdk.js"></script></head><body>Shop</body></html>',
        );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const origin = `http://${SITE_HOST}:${(site.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--host-resolver-rules=MAP ${SITE_HOST} 127.0.0.1`,
    ],
  });
  return {
    origin,
    browser,
    async open() {
      const context = await browser.newContext();
      const requests: { url: string; method: string; headers: Record<string, string> }[] = [];
      context.on('request', (r) =>
        requests.push({ url: r.url(), method: r.method(), headers: r.headers() }),
      );
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      return { context, page, requests };
    },
    async close() {
      await browser.close();
      site.closeAllConnections();
      await new Promise((r) => site.close(r));
    },
  };
}
