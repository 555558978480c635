// The inspection reads on ClickHouse against DuckDB. A small world is derived on DuckDB (a shared device,
// a quarantined kiosk, a stated link, leads from several channels, credits), its derived rows are copied
// into ClickHouse as they are (ClickHouse's own derive is another slice), and every inspection read must
// give the same rows, in the same order, on both engines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../../../derive/derive.js';
import type { RawEvent } from '../../areas/events.js';
import { copyDuckRows, addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import {
  currentIdentities,
  leadsByFirstTouchChannel,
  listIdentityLinks,
  listSessions,
  quarantinedIdentifiers,
  sessionsByChannel,
} from './inspection.js';
import { personCredits } from './credits.js';

const W = 'ws_insp';
const V = 'ws_insp2';
const day = (d: number, h = 10, m = 0) => new Date(Date.UTC(2026, 5, d, h, m)).toISOString();

let n = 0;
const page = (anon: string, at: string, url: string, referrer?: string): RawEvent => ({
  type: 'page',
  messageId: `p${n++}`,
  anonymousId: anon,
  timestamp: at,
  context: {
    page: { url, ...(referrer ? { referrer } : {}) },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  },
});
const identify = (anon: string, at: string, email: string): RawEvent => ({
  type: 'identify',
  messageId: `i${n++}`,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});
const form = (anon: string, at: string, email: string): RawEvent => ({
  type: 'track',
  messageId: `f${n++}`,
  event: 'form_submitted',
  anonymousId: anon,
  timestamp: at,
  properties: { fields: { email } },
});

function world(): RawEvent[] {
  const events: RawEvent[] = [
    // one laptop, two people: its sessions split between them by their identifies
    page('laptop', day(1), 'https://acme.io/', 'https://www.google.com/'),
    identify('laptop', day(1, 10, 5), 'ann@home.io'),
    form('laptop', day(1, 10, 6), 'ann@home.io'),
    page('laptop', day(2), 'https://acme.io/blog', 'https://www.bing.com/'),
    page('laptop', day(3), 'https://acme.io/?utm_source=linkedin&utm_medium=paid_social'),
    identify('laptop', day(3, 10, 5), 'bo@home.io'),
    form('laptop', day(3, 10, 6), 'bo@home.io'),
    page('ann-phone', day(6), 'https://acme.io/?utm_source=newsletter&utm_medium=email'),
    identify('ann-phone', day(6, 10, 1), 'ann@home.io'),
    page('carl', day(4), 'https://acme.io/?gclid=abc123', 'https://www.google.com/'),
    page('carl', day(4, 10, 3), 'https://acme.io/pricing'),
    form('carl', day(4, 10, 4), 'carl@biz.io'),
    form('dora', day(5, 9), 'dora@biz.io'),
    page('kiosk', day(7), 'https://acme.io/'),
  ];
  // a kiosk with 8 emails: quarantined, its people kept apart
  for (let i = 0; i < 8; i++) events.push(identify('kiosk', day(7, 11, i), `visitor${i}@ex.io`));
  return events;
}

test(
  'inspection reads on ClickHouse: the same sessions, identities, quarantine, links, leads and credits as on DuckDB',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, ch }) => {
        await addWorkspace(duck, V);
        const receivedAt = new Date('2026-07-01T00:00:00Z');
        await duck.appendEvents(W, world(), { origin: 'import', receivedAt });
        await duck.appendEvents(
          V,
          [
            page('v1', day(2), 'https://v.io/?utm_source=fb&utm_medium=cpc'),
            form('v1', day(2, 10, 1), 'vic@v.io'),
          ],
          { origin: 'import', receivedAt },
        );
        await duck.appendIdentityLinks(W, [
          {
            fromKind: 'crm_id',
            fromValue: 'c-1',
            toKind: 'email',
            toValue: 'carl@biz.io',
            source: 'crm',
            at: day(4, 12),
          },
          {
            fromKind: 'crm_id',
            fromValue: 'c-2',
            toKind: 'email',
            toValue: 'dora@biz.io',
            source: 'crm',
            at: day(4, 12),
          },
        ]);
        await rebuild(duck, W);
        await rebuild(duck, V);
        const copied = await copyDuckRows(duck, ch, [
          'sessions',
          'identities',
          'identity_quarantine',
          'identity_links',
          'milestones',
          'attribution_credits',
        ]);
        assert.ok(
          Object.values(copied).every((k) => k > 0),
          JSON.stringify(copied),
        );
        // a lead with no session left (as between two derives): counted as '(no touchpoint)'
        await duckDbOf(duck)!.write((c) =>
          c.run(`DELETE FROM sessions WHERE anonymous_id = 'dora'`),
        );
        await ch.conn.command(`DELETE FROM ${ch.database}.sessions WHERE anonymous_id = 'dora'`);

        for (const ws of [W, V, 'none']) {
          const sessions = await listSessions(ch, ws);
          assert.deepEqual(sessions, await duck.listSessions(ws), `${ws}: sessions`);
          for (const filter of [
            { anonymousIds: ['laptop', 'nope'] },
            { limit: 2 },
            { anonymousIds: [] },
          ])
            assert.deepEqual(
              await listSessions(ch, ws, filter),
              await duck.listSessions(ws, filter),
              `${ws}: sessions ${JSON.stringify(filter)}`,
            );
          assert.deepEqual(await sessionsByChannel(ch, ws), await duck.sessionsByChannel(ws));
          const identities = await currentIdentities(ch, ws);
          assert.deepEqual(identities, await duck.currentIdentities(ws), `${ws}: identities`);
          assert.deepEqual(
            await quarantinedIdentifiers(ch, ws),
            await duck.quarantinedIdentifiers(ws),
          );
          assert.deepEqual(await listIdentityLinks(ch, ws), await duck.listIdentityLinks(ws));
          assert.deepEqual(
            await leadsByFirstTouchChannel(ch, ws),
            await duck.leadsByFirstTouchChannel(ws),
            `${ws}: leads`,
          );
          for (const person of new Set(identities.map((i) => i.personId)))
            assert.deepEqual(
              await personCredits(ch, ws, person),
              await duck.personCredits(ws, person),
              `${ws}: credits of ${person}`,
            );
        }

        // the world has what each read is for
        const sessions = await listSessions(ch, W);
        assert.ok(
          sessions.some((s) => Object.keys(s.clickIds).length > 0),
          'a click id',
        );
        assert.ok(
          (await currentIdentities(ch, W)).some((i) => i.span),
          'a shared device span',
        );
        assert.deepEqual(
          (await quarantinedIdentifiers(ch, W)).map((q) => [q.value, q.distinctEmails]),
          [['kiosk', 8]],
        );
        assert.equal((await listIdentityLinks(ch, W)).length, 2);
        const leads = await leadsByFirstTouchChannel(ch, W);
        assert.ok(leads.length >= 3, JSON.stringify(leads));
        assert.ok(
          leads.some((l) => l.channel === '(no touchpoint)'),
          JSON.stringify(leads),
        );
        const persons = new Set((await currentIdentities(ch, W)).map((i) => i.personId));
        let credits = 0;
        for (const person of persons) credits += (await personCredits(ch, W, person)).length;
        assert.ok(credits > 0, 'credits');
      },
      { workspaceId: W },
    );
  },
);
