// Real Chromium for the dashboard's browser tests (Debian's chromium driven by playwright-core): launch
// it, sign a user in through the sign-in form, and write screenshots of a page at a laptop's and a
// desktop's size as artifacts for a person to look at (artifacts/, ignored by git).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './users.js';

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
