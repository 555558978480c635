// The settings page's channel rules in real Chromium against a real server (the app built by Vite in
// this test): an owner edits a channel rule and the preview's counts are the preview API's own answer,
// saves it and the rules API has it (and the sessions moved as previewed); moves a rule up with the
// keyboard and saves the new order. The other tabs, and a viewer's read-only settings:
// dashboard-settings-access-e2e.test.ts. Data arrives through the real routes (dashboard-world.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { clientFor } from '../test-helpers/server.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['owner@acme.test', 'owner']],
});

interface Rule {
  id: string;
  channel: string;
  when: unknown;
}
interface Preview {
  moved: number;
  moves: { from: string; to: string; sessions: number }[];
}

const api = (path: string, init?: RequestInit) => clientFor(suite.s).api(path, init);
const rulesNow = async () =>
  ((await (await api('/api/channels/rules')).json()) as { custom: unknown; rules: Rule[] }).rules;
/** The preview API's answer for these rules: its moves (from, to, sessions) and how many move. */
const previewOf = async (rules: Rule[]): Promise<Preview> => {
  const res = await api('/api/channels/rules/preview', {
    method: 'POST',
    body: JSON.stringify({ rules }),
  });
  assert.equal(res.status, 200);
  const p = (await res.json()) as Preview;
  return {
    moved: p.moved,
    moves: p.moves.map(({ from, to, sessions }) => ({ from, to, sessions })),
  };
};

/** The rule ids in the page's order. */
const pageOrder = (page: Page) =>
  page.$$eval('.rules li[data-rule]', (els) => els.map((e) => e.getAttribute('data-rule')!));

/** The preview table's rows, as the API's moves. */
const shownMoves = (page: Page) =>
  page.$$eval('.preview-moves tbody tr', (rows) =>
    rows.map((r) => ({
      from: r.getAttribute('data-from')!,
      to: r.getAttribute('data-to')!,
      sessions: Number(r.querySelector('[data-col="sessions"]')!.getAttribute('data-value')),
    })),
  );

const settings = (tab: string) =>
  `${suite.s.base}/settings?workspace=${suite.s.workspace.id}&tab=${tab}`;

test(
  'channel rules: edit, preview equals the preview API, save; reorder by keyboard and save',
  { timeout: 80_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'owner@acme.test',
    );
    try {
      await page.goto(settings('channels'));
      await page.waitForSelector('.rules li[data-rule="email"]');
      const before = await rulesNow();
      assert.deepEqual(
        await pageOrder(page),
        before.map((r) => r.id),
      );
      const emailAt = before.findIndex((r) => r.id === 'email');
      assert.ok(emailAt > 0);

      // nothing changed yet: nothing to preview or save
      const previewButton = page.getByRole('button', { name: 'Preview changes' });
      const saveButton = page.getByRole('button', { name: 'Save rules' });
      assert.equal(await previewButton.isDisabled(), true);
      assert.equal(await saveButton.isDisabled(), true);

      // the e-mail rule's channel renamed: its sessions would move, as the preview API says
      await page.getByLabel(`Channel of rule ${emailAt + 1}`).fill('Newsletter');
      assert.equal(await saveButton.isDisabled(), true, 'no save before a preview');
      await previewButton.click();
      await page.waitForSelector('.rules-preview');
      const proposed = before.map((r) => (r.id === 'email' ? { ...r, channel: 'Newsletter' } : r));
      const expected = await previewOf(proposed);
      assert.ok(expected.moves.some((m) => m.from === 'Email' && m.to === 'Newsletter'));
      assert.deepEqual(await shownMoves(page), expected.moves);
      assert.equal(await page.getAttribute('.rules-preview', 'data-moved'), String(expected.moved));
      // example landing URLs of the sessions that move
      assert.match((await page.textContent('.preview-moves .examples')) ?? '', /utm_medium=email/);
      await screenshots(page, 'settings-channels');

      await saveButton.click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      const saved = await rulesNow();
      assert.equal(saved.find((r) => r.id === 'email')!.channel, 'Newsletter');
      assert.deepEqual(
        saved.map((r) => r.id),
        before.map((r) => r.id),
      );
      // the stored sessions moved as previewed
      const byChannel = Object.fromEntries(
        (await suite.s.store.sessionsByChannel(suite.s.workspace.id)).map((c) => [
          c.channel,
          c.sessions,
        ]),
      );
      assert.equal(
        byChannel.Newsletter,
        expected.moves.find((m) => m.to === 'Newsletter')!.sessions,
      );

      // reorder with the keyboard: the e-mail rule up one place, the focus stays on it
      await page.waitForSelector('.rules li[data-rule="email"] input.rule-channel');
      const up = page.getByRole('button', { name: 'Move rule email up' });
      await up.focus();
      await page.keyboard.press('Enter');
      const order = await pageOrder(page);
      const expectedOrder = before.map((r) => r.id);
      [expectedOrder[emailAt - 1], expectedOrder[emailAt]] = [
        expectedOrder[emailAt]!,
        expectedOrder[emailAt - 1]!,
      ];
      assert.deepEqual(order, expectedOrder);
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
        'Move rule email up',
      );
      await previewButton.click();
      await page.waitForSelector('.rules-preview');
      const reordered = expectedOrder.map((id) => saved.find((r) => r.id === id)!);
      assert.deepEqual(await shownMoves(page), (await previewOf(reordered)).moves);
      await page.keyboard.press('Tab'); // keyboard reaches the save button
      await saveButton.click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      assert.deepEqual(
        (await rulesNow()).map((r) => r.id),
        expectedOrder,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);
