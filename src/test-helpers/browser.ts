// Real Chromium for the dashboard's browser tests (Debian's chromium driven by playwright-core): launch
// it, sign a user in through the sign-in form, and write screenshots of a page at a laptop's and a
// desktop's size as artifacts for a person to look at (artifacts/, ignored by git); and the setup
// every dashboard browser test file shares (dashboardSuite).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../store/types.js';
import { startTestServer, type TestServer } from './server.js';
import { addUser, TEST_PASSWORD } from './users.js';
import { buildWeb } from './web-build.js';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/**
 * A context signed in as `email` (made with TEST_PASSWORD): the sign-in form at /login, as a person
 * uses it. Page errors are collected in `errors` (a test asserts it stays empty).
 */
export async function signedInPage(
  browser: Browser,
  base: string,
  email: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/overview\?/);
  return { context, page, errors };
}

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));

/** Screenshots of the page as it is now at 1280x720 and 1920x1080 (then back to 1280x720). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** A dashboard browser test file's server and Chromium, set by `before` (dashboardSuite). */
export interface DashboardSuite {
  s: TestServer;
  browser: Browser;
}

/**
 * The setup every dashboard browser test file shares: node:test `before` starts a test server serving
 * the built dashboard, puts `world` in, adds `users` ([email, role] or [email, role, workspaceId]) and
 * launches Chromium; `after` closes both. The returned object's fields are set before any test runs.
 */
export function dashboardSuite(opts: {
  world: (s: TestServer) => Promise<unknown>;
  users: readonly (readonly [string, Role] | readonly [string, Role, (s: TestServer) => string])[];
}): DashboardSuite {
  const suite = {} as DashboardSuite;
  before(async () => {
    suite.s = await startTestServer({}, { webDir: await buildWeb() });
    await opts.world(suite.s);
    for (const [email, role, workspace] of opts.users)
      await addUser(suite.s.store, email, role, workspace?.(suite.s));
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.s?.close();
  });
  return suite;
}
