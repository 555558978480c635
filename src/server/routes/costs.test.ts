// Costs over HTTP on a real server, on the engine under test: the mapping rules read and replaced
// (a bad file a 400 naming the field, the stored rules untouched), and GET /api/costs with the rules
// applied to history at once, leads from the stored credits, bad queries a 400 naming the parameter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../../derive/derive.js';
import { G, world } from '../../test-helpers/cost-world.js';
import { page } from '../../test-helpers/events.js';
import { clientFor, startTestServer } from '../../test-helpers/server.js';

const rule = {
  id: 'untracked',
  field: 'utm_campaign',
  op: 'equals',
  value: 'Untracked',
  platform: 'google',
  campaign: '111',
};

test(
  'cost mapping rules by API; GET /api/costs applies them to history',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    const put = (body: unknown) =>
      api('/api/cost-mapping-rules', { method: 'PUT', body: JSON.stringify(body) });
    const read = async (query: string) => {
      const res = await api(`/api/costs?${query}`);
      assert.equal(res.status, 200);
      return (await res.json()) as {
        rows: {
          platform: string;
          campaign: string | null;
          sessions: number;
          matchedBy: Record<string, number>;
          rules: Record<string, number>;
          leads: number | null;
          pipeline: number | null;
        }[];
      };
    };
    try {
      await world(s.store, s.workspace.id);
      assert.deepEqual(await (await api('/api/cost-mapping-rules')).json(), { rules: [] });

      const before = await read('from=2026-03-01&to=2026-03-02&groupBy=platform,campaign');
      assert.deepEqual(
        before.rows.map((r) => [r.platform, r.campaign, r.sessions, r.leads, r.pipeline]),
        [
          ['google', null, 1, 1, null],
          ['google', '111', 1, 1, null],
          ['google', '222', 2, 1, null],
          ['linkedin', '9', 1, 0, null],
        ],
      );

      const ok = await put({ rules: [rule] });
      assert.equal(ok.status, 200);
      assert.deepEqual(await (await api('/api/cost-mapping-rules')).json(), { rules: [rule] });
      const after = await read('from=2026-03-01&to=2026-03-02&groupBy=platform,campaign');
      assert.deepEqual(
        after.rows.map((r) => [
          r.platform,
          r.campaign,
          r.sessions,
          r.matchedBy.rule,
          r.rules,
          r.leads,
        ]),
        [
          ['google', '111', 2, 1, { untracked: 1 }, 2],
          ['google', '222', 2, 0, {}, 1],
          ['linkedin', '9', 1, 0, {}, 0],
        ],
      );

      // a bad file names the field, and the rules in force stay
      for (const [body, field] of [
        [{ rules: [{ ...rule, platform: 'tiktok' }] }, 'rules[0].platform'],
        [{ rules: [{ ...rule, op: 'matches', value: '(?=x)' }] }, 'rules[0].value'],
        [{ rules: [rule, { ...rule }] }, 'rules[1].id'],
        [{ rules: [{ ...rule, campaign: undefined }] }, 'rules[0].campaign'],
        [{ rule: [] }, 'rules'],
      ] as const) {
        const res = await put(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        const err = ((await res.json()) as { error: { code: string; field: string } }).error;
        assert.equal(err.code, 'invalid_rules');
        assert.equal(err.field, field);
      }
      assert.deepEqual(await (await api('/api/cost-mapping-rules')).json(), { rules: [rule] });

      // a click Google resolved outranks the rule: this visit's gclid was campaign 222's click
      const clicks = [
        {
          results: [
            {
              clickView: { gclid: 'G-A4', adGroupAd: 'customers/1/adGroupAds/31~41' },
              campaign: { id: '222' },
              adGroup: { id: '31' },
              segments: { date: '2026-03-02' },
            },
          ],
        },
      ];
      const stored = await api('/api/ad-clicks?platform=google&account=g-1', {
        method: 'POST',
        body: JSON.stringify(clicks),
      });
      assert.equal(stored.status, 200);
      assert.deepEqual(await stored.json(), { rows: 1 });
      const broken = await api('/api/ad-clicks?platform=google&account=g-1', {
        method: 'POST',
        body: JSON.stringify([{ results: [{ clickView: {}, segments: { date: 'May 1' } }] }]),
      });
      assert.equal(broken.status, 400);
      assert.match(
        ((await broken.json()) as { error: { field: string } }).error.field,
        /^batch 0, result 0, /,
      );
      const meta = await api('/api/ad-clicks?platform=meta&account=1', {
        method: 'POST',
        body: '[]',
      });
      assert.equal(meta.status, 400);
      await s.store.appendEvents(
        s.workspace.id,
        [page('a8', '2026-03-02T15:00:00Z', `${G}&utm_campaign=untracked&gclid=G-A4`)],
        { origin: 'import', receivedAt: new Date() },
      );
      await rebuild(s.store, s.workspace.id);
      const clicked = await read('from=2026-03-01&to=2026-03-02&groupBy=platform,campaign');
      assert.deepEqual(
        clicked.rows.map((r) => [r.campaign, r.sessions, r.matchedBy.click_id, r.matchedBy.rule]),
        [
          ['111', 2, 0, 1],
          ['222', 3, 1, 0],
          ['9', 1, 0, 0],
        ],
      );

      const [a8] = await s.store.listSessions(s.workspace.id, { anonymousIds: ['a8'] });
      const why = await api(
        `/api/costs/explain?session=${a8!.sessionId}&from=2026-03-01&to=2026-03-02`,
      );
      assert.equal(why.status, 200);
      const steps = (await why.json()) as {
        matchedBy: { rule: string; value: string };
        steps: { rule: string; value: string; campaign: string; ruleId?: string }[];
      };
      assert.deepEqual(steps.matchedBy.rule, 'click_id');
      assert.deepEqual(
        steps.steps.map((x) => [x.rule, x.value, x.campaign, x.ruleId]),
        [
          ['click_id', 'G-A4', '222', undefined],
          ['rule', 'untracked', '111', 'untracked'],
        ],
      );
      const noSession = await api('/api/costs/explain');
      assert.equal(noSession.status, 400);
      assert.equal(
        ((await noSession.json()) as { error: { field: string } }).error.field,
        'session',
      );

      const bad = await api('/api/costs?from=2026-03-01&groupBy=platform,creative');
      assert.equal(bad.status, 400);
      const badTo = await api('/api/costs?from=2026-03-05&to=2026-03-01');
      assert.equal(badTo.status, 400);
      assert.equal(((await badTo.json()) as { error: { field: string } }).error.field, 'to');
    } finally {
      await s.close();
    }
  },
);
