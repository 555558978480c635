// The settings page's other tabs in real Chromium against a real server (the app built by Vite in this
// test): an owner creates an API key (its secret shown once, and working) and revokes it (it stops
// working), changes a member's role, makes an invitation link that a signed-out browser accepts, adds a
// funnel milestone, changes an attribution default, finds the snippet with the workspace's write key and
// a connector's "Sync now" with its status. A viewer finds every section without an enabled edit
// control, and the server refuses their write. Channel rules: dashboard-settings-e2e.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { clientFor } from '../test-helpers/server.js';
import { TEST_PASSWORD } from '../test-helpers/users.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [
    ['owner@acme.test', 'owner'],
    ['viewer@acme.test', 'viewer'],
    ['analyst@acme.test', 'analyst', (s) => s.workspace.id],
  ],
});

interface Rule {
  id: string;
  channel: string;
  when: unknown;
}
const api = (path: string, init?: RequestInit) => clientFor(suite.s).api(path, init);
const rulesNow = async () =>
  ((await (await api('/api/channels/rules')).json()) as { custom: unknown; rules: Rule[] }).rules;

const settings = (tab: string) =>
  `${suite.s.base}/settings?workspace=${suite.s.workspace.id}&tab=${tab}`;

test(
  'keys: create (shown once, works) and revoke; members and invitation; funnel; attribution; snippet; connectors',
  { timeout: 80_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'owner@acme.test',
    );
    try {
      await page.goto(settings('access'));
      await page.getByLabel('Key name').fill('ci-bot');
      await page.getByLabel('Key role', { exact: true }).selectOption('analyst');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = await page.getByLabel('New key').inputValue();
      assert.ok(secret.length > 20);
      const withKey = (key: string) =>
        fetch(`${suite.s.base}/api/channels/rules`, {
          headers: { authorization: `Bearer ${key}` },
        });
      assert.equal((await withKey(secret)).status, 200);
      await page.waitForSelector('tr[data-key-name="ci-bot"]');
      const listed = (await (await api('/api/keys')).json()) as {
        keys: { id: string; name: string; role: string; revokedAt: string | null }[];
      };
      const key = listed.keys.find((k) => k.name === 'ci-bot')!;
      assert.equal(key.role, 'analyst');
      assert.equal(key.revokedAt, null);
      // the members and their roles: one changed
      const member = page.getByLabel('Role of analyst@acme.test');
      await member.waitFor();
      assert.equal(await member.inputValue(), 'analyst');
      await member.selectOption('viewer');
      await page.waitForFunction(async (ws) => {
        const r = await fetch(`/api/members?workspace=${ws}`);
        const m = (await r.json()) as { members: { email: string; role: string }[] };
        return m.members.find((x) => x.email === 'analyst@acme.test')?.role === 'viewer';
      }, suite.s.workspace.id);
      // an invitation link
      await page.getByLabel('Invite e-mail').fill('new@acme.test');
      await page.getByRole('button', { name: 'Make invitation link' }).click();
      const link = await page.getByLabel('Invitation link').inputValue();
      assert.match(link, /\/login\?invitation=/);
      await screenshots(page, 'settings-access');
      // the link, opened signed out: a password, and the new member is in
      const invited = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
      try {
        const p2 = await invited.newPage();
        await p2.goto(link);
        await p2.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
        await p2.getByLabel('Password').fill(TEST_PASSWORD);
        await p2.getByRole('button', { name: 'Accept and sign in' }).click();
        await p2.waitForURL(/\/overview\?/);
      } finally {
        await invited.close();
      }
      const members = (await (await api('/api/members')).json()) as {
        members: { email: string; role: string }[];
      };
      assert.equal(members.members.find((m) => m.email === 'new@acme.test')?.role, 'viewer');

      await page.getByRole('button', { name: 'Revoke key ci-bot' }).click();
      await page.waitForSelector('tr[data-key-name="ci-bot"] [data-value="revoked"]');
      assert.equal((await withKey(secret)).status, 401);
      const after = (await (await api('/api/keys')).json()) as typeof listed;
      assert.ok(after.keys.find((k) => k.id === key.id)!.revokedAt);

      // attribution defaults: the lookback changed and saved
      await page.goto(settings('attribution'));
      const lookback = page.getByLabel('Lookback (days)');
      await lookback.waitFor();
      const stored = (await (await api('/api/attribution/settings')).json()) as {
        settings: { lookbackDays: number };
      };
      assert.equal(await lookback.inputValue(), String(stored.settings.lookbackDays));
      await lookback.fill('45');
      await page.getByRole('button', { name: 'Save attribution settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      const changed = (await (await api('/api/attribution/settings')).json()) as typeof stored;
      assert.equal(changed.settings.lookbackDays, 45);
      await screenshots(page, 'settings-attribution');

      // the funnel: its milestones as the API has them; one added and saved
      await page.goto(settings('funnel'));
      const milestones = page.locator('input.milestones');
      await milestones.waitFor();
      const funnel = (await (await api('/api/funnel')).json()) as {
        funnel: { milestones: string[] };
      };
      assert.equal(await milestones.inputValue(), funnel.funnel.milestones.join(', '));
      const more = [...funnel.funnel.milestones, 'renewal'];
      await milestones.fill(more.join(', '));
      await page.getByRole('button', { name: 'Save funnel' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      const savedFunnel = (await (await api('/api/funnel')).json()) as typeof funnel;
      assert.deepEqual(savedFunnel.funnel.milestones, more);
      await screenshots(page, 'settings-funnel');

      // the snippet: this workspace's write key in the tag
      await page.goto(settings('snippet'));
      const tag = await page.locator('textarea.snippet-html').inputValue();
      assert.equal(await page.locator('input.write-key').inputValue(), suite.s.workspace.writeKey);
      assert.ok(tag.includes(`data-key="${suite.s.workspace.writeKey}"`));
      assert.ok(tag.includes(`src="${suite.s.base}/cl.js"`), tag);
      await screenshots(page, 'settings-snippet');

      // connectors: none yet, then the one set shows with a sync button
      await page.goto(settings('connectors'));
      await page.getByText('No connector is set up yet').waitFor();
      // a connector whose vendor cannot be reached (a closed local port): its sync fails, and says so
      const put = await api('/api/connectors/hubspot', {
        method: 'PUT',
        body: JSON.stringify({ apiKey: 'pat-test', baseUrl: 'http://127.0.0.1:9' }),
      });
      assert.equal(put.status, 201, await put.clone().text());
      await page.reload();
      await page.waitForSelector('tr[data-connector="hubspot"]');
      await page.getByRole('button', { name: 'Sync hubspot now' }).click();
      await page.getByRole('status').filter({ hasText: 'sync started' }).waitFor();
      type Listed = { connectors: { name: string; lastSync: { status: string } | null }[] };
      let last: string | undefined;
      for (;;) {
        const l = (await (await api('/api/connectors')).json()) as Listed;
        last = l.connectors.find((c) => c.name === 'hubspot')?.lastSync?.status;
        if (last !== undefined && last !== 'running') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await page.reload();
      await page.waitForSelector('tr[data-connector="hubspot"]');
      assert.equal(
        await page.getAttribute('tr[data-connector="hubspot"] [data-col="status"]', 'data-value'),
        last,
      );
      await screenshots(page, 'settings-connectors');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);

test(
  'a viewer finds settings read-only, and the server refuses their write',
  { timeout: 60_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'viewer@acme.test',
    );
    try {
      /** Edit controls in the section shown (tabs are links; copying the snippet changes nothing). */
      const enabledControls = () =>
        page.$$eval(
          'main.settings button:not([disabled]):not(.copy), main.settings select:not([disabled]), main.settings textarea:not([disabled]):not([readonly]), main.settings input:not([disabled]):not([readonly])',
          (els) => els.map((e) => e.outerHTML.slice(0, 80)),
        );
      await page.goto(settings('channels'));
      await page.waitForSelector('.rules-read tbody tr');
      assert.equal(await page.locator('.rules-read tbody tr').count(), (await rulesNow()).length);
      assert.deepEqual(await enabledControls(), []);
      assert.equal(await page.getByRole('button', { name: /Save/ }).count(), 0);
      await screenshots(page, 'settings-viewer');
      for (const tab of ['funnel', 'attribution', 'connectors', 'access', 'snippet']) {
        await page.goto(settings(tab));
        await page.waitForSelector(`.tabs a[aria-current="page"][href*="tab=${tab}"]`);
        await page.waitForFunction(() => !document.querySelector('main.settings .loading'));
        assert.deepEqual(await enabledControls(), [], tab);
      }
      // the attribution values are shown, disabled
      await page.goto(settings('attribution'));
      await page.getByLabel('Lookback (days)').waitFor();
      assert.equal(await page.getByLabel('Lookback (days)').isDisabled(), true);

      // the server refuses a viewer's write, with the session's own cookie and CSRF token
      const status = await page.evaluate(async (ws) => {
        const csrf = /(?:^|; )cl_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
        const res = await fetch(`/api/channels/rules?workspace=${ws}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: 'null',
        });
        return { status: res.status, body: await res.text() };
      }, suite.s.workspace.id);
      assert.equal(status.status, 403);
      assert.match(status.body, /"forbidden".*needs the admin role/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);
