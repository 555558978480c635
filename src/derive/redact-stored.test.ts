import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactEvent } from '../collect/redact-event.js';
import { compileRedaction } from '../collect/redaction-rules.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { add, withStore } from '../test-helpers/events.js';
import { fn, sql, type Sql } from '../store/engines/neutral/sql.js';
import { queryData } from '../test-helpers/engine-access.js';
import { scanDatabase } from '../test-helpers/scan-db.js';
import { rebuild } from './derive.js';
import { redactStored } from './redact-stored.js';
import { setRedactionSettings } from './redaction-settings.js';

const PASSWORD = 'Hunter2pwVALUE';
const TOKEN = 'tokVAL123xyz';
const CARD = '4111111111111111';
const NONCE = 'nonceVAL777';
const URL_EMAIL = 'leakmail7'; // local part of an e-mail that only ever travels in URLs
const CAMPAIGN_EMAIL = 'campaignee'; // the campaign link's e-mail: becomes an identify, leaves the URL

/** A small world whose URLs leak, in every field and encoding a client might use. */
function leakyEvents(): RawEvent[] {
  const t = (m: number) => new Date(Date.UTC(2026, 0, 5, 10, m)).toISOString();
  const landing = `https://shop.test/?email=${URL_EMAIL}%40example.com&token=${TOKEN}&utm_source=x&utm_medium=email&gclid=Gcl-ID-1`;
  const thanks = `https://shop.test/thanks?email=formuser%40example.com&password=${PASSWORD}&token=${TOKEN}&card_number=${CARD}&nonce=${NONCE}`;
  return [
    {
      type: 'page',
      messageId: 'e1',
      anonymousId: 'a1',
      timestamp: t(0),
      context: {
        page: {
          url: landing,
          search: landing.slice(landing.indexOf('?')),
          referrer: `https://mail.test/read/${URL_EMAIL}@example.com`,
        },
      },
      properties: { url: landing },
    },
    {
      type: 'track',
      messageId: 'e2',
      anonymousId: 'a1',
      timestamp: t(1),
      event: 'form_submitted',
      context: { page: { url: landing } },
      properties: { email: 'formuser@example.com', fields: { email: 'formuser@example.com' } },
    },
    {
      type: 'page',
      messageId: 'e3',
      anonymousId: 'a1',
      timestamp: t(2),
      context: { page: { url: thanks, referrer: landing } },
      properties: { url: thanks, path: `/thanks?password=${PASSWORD}` },
    },
    {
      type: 'identify',
      messageId: 'e4',
      anonymousId: 'a1',
      timestamp: t(2),
      traits: { email: 'formuser@example.com' },
      context: { page: { url: thanks } },
    },
    {
      type: 'page',
      messageId: 'e5',
      anonymousId: 'a2',
      timestamp: t(3),
      context: {
        page: {
          url: `https://shop.test/offer?utm_source=newsletter&cl_email=${CAMPAIGN_EMAIL}%40example.com#access_token=${TOKEN}`,
        },
      },
    },
    {
      type: 'page',
      messageId: 'e6',
      anonymousId: 'a3',
      timestamp: t(4),
      context: {
        page: { url: 'https://shop.test/?utm_source=google&utm_medium=cpc&gclid=Clean-1' },
      },
    },
  ];
}

const NEEDLES = [PASSWORD, TOKEN, CARD, NONCE, URL_EMAIL, CAMPAIGN_EMAIL];

/** The derived tables and the facts they read, in the store's own engine (workspace_id is 'w' throughout). */
async function derivedTables(store: Store): Promise<Record<string, unknown[]>> {
  const q = (query: Sql) => queryData(store, query);
  return {
    events: await q(
      sql`SELECT message_id, type, anonymous_id, ts, page_url, page_referrer, properties, context, email FROM ${fn.table('events')} WHERE workspace_id = 'w' ORDER BY message_id`,
    ),
    sessions: await q(
      sql`SELECT * FROM ${fn.table('sessions')} WHERE workspace_id = 'w' ORDER BY session_id`,
    ),
    identities: await q(
      sql`SELECT kind, value, person_id FROM ${fn.table('identities')} WHERE workspace_id = 'w' ORDER BY kind, value`,
    ),
    milestones: await q(
      sql`SELECT * FROM ${fn.table('milestones')} WHERE workspace_id = 'w' ORDER BY person_id, milestone`,
    ),
    credits: await q(
      sql`SELECT * FROM ${fn.table('attribution_credits')} WHERE workspace_id = 'w' ORDER BY ALL`,
    ),
  };
}

test(
  'closedloop redact over stored facts: no secret or URL e-mail left in any table, derived tables equal a rebuild of clean facts',
  { timeout: 120_000 },
  async () => {
    await withStore(async (leaky) => {
      await setRedactionSettings(leaky, 'w', { params: [], identifyParam: 'cl_email' });
      await add(leaky, leakyEvents());
      await rebuild(leaky, 'w');
      const before = await scanDatabase(leaky, NEEDLES);
      for (const n of NEEDLES) assert.ok(before.get(n)!.length > 0, `the seeded store leaks ${n}`);
      assert.ok(
        before.get(PASSWORD)!.some((h) => h.table === 'sessions') ||
          before.get(TOKEN)!.some((h) => h.table === 'sessions'),
        'sessions hold a leaking landing URL',
      );

      const run = await redactStored(leaky, 'w', { configNames: [], names: ['nonce'] });
      await rebuild(leaky, 'w');
      assert.equal(run.identifies, 1);
      assert.ok(run.rowsChanged >= 5 && run.rowsChanged <= run.rowsExamined, JSON.stringify(run));
      assert.deepEqual(run.redactedNames, [
        'access_token',
        'card_number',
        'cl_email',
        'email',
        'nonce',
        'password',
        'token',
      ]);

      const after = await scanDatabase(leaky, NEEDLES);
      for (const n of NEEDLES.filter((x) => x !== CAMPAIGN_EMAIL))
        assert.deepEqual(after.get(n), [], `${n} left in ${JSON.stringify(after.get(n))}`);
      // the campaign e-mail now lives only where an identify's e-mail belongs: its traits, the projected email
      // column, and identity resolution's tables
      const allowed = new Set([
        'events.traits',
        'events.email',
        'identities.value',
        'identity_edges.b_value',
        'identity_edges.a_value',
      ]);
      const where = after.get(CAMPAIGN_EMAIL)!.map((h) => `${h.table}.${h.column}`);
      assert.ok(
        where.includes('events.traits') && where.every((w) => allowed.has(w)),
        where.join(', '),
      );
      // UTMs and click ids are kept, in the facts and in the derived sessions
      const sessions = await leaky.listSessions('w');
      assert.ok(
        sessions.some((s) => s.clickIds.gclid === 'Gcl-ID-1' && s.source === 'x'),
        JSON.stringify(sessions.map((s) => [s.source, s.clickIds])),
      );
      const e1 = (
        await leaky.queryEvents('w', { anonymousId: 'a1', type: 'page', limit: 10 })
      ).find((e) => e.messageId === 'e1')!;
      assert.equal(
        e1.pageUrl,
        'https://shop.test/?email=[email]&token=[redacted]&utm_source=x&utm_medium=email&gclid=Gcl-ID-1',
      );
      assert.deepEqual((e1.context as { redacted: string[] }).redacted, ['email', 'token']);
      // the campaign link's identify: same anonymous id and time as its page, and the person is a lead
      const ident = (await leaky.queryEvents('w', { anonymousId: 'a2', type: 'identify' }))[0];
      assert.equal(ident?.messageId, 'e5:identify');
      assert.deepEqual(ident?.traits, { email: `${CAMPAIGN_EMAIL}@example.com` });

      // the same facts stored clean in the first place derive the same tables
      await withStore(async (clean) => {
        const rules = compileRedaction({ extraNames: ['nonce'], identifyParam: 'cl_email' });
        const events = leakyEvents().flatMap((e) => {
          const r = redactEvent(e, rules);
          return r.identify ? [r.event, r.identify] : [r.event];
        });
        await add(clean, events);
        await rebuild(clean, 'w');
        assert.deepEqual(await derivedTables(leaky), await derivedTables(clean));
      });

      // a second run finds nothing to change; both runs are audited, with names and counts only
      const again = await redactStored(leaky, 'w', { configNames: [], names: ['nonce'] });
      assert.equal(again.rowsChanged, 0);
      assert.equal(again.identifies, 0);
      const runs = await leaky.redactionRuns('w');
      assert.deepEqual(
        runs.map((r) => [r.scope, r.rowsChanged, r.extraNames]),
        [
          ['workspace', run.rowsChanged, ['nonce']],
          ['workspace', 0, ['nonce']],
        ],
      );
      assert.doesNotMatch(JSON.stringify(runs), /example\.com|Hunter2|tokVAL/);
    });
  },
);

test(
  'the stored-facts redaction is limited to one import batch when asked',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store) => {
      const first = await add(store, [
        {
          type: 'page',
          messageId: 'b1',
          anonymousId: 'a',
          timestamp: '2026-01-01T00:00:00Z',
          context: { page: { url: `https://x.test/?token=${TOKEN}` } },
        },
      ]);
      const second = await add(store, [
        {
          type: 'page',
          messageId: 'b2',
          anonymousId: 'a',
          timestamp: '2026-01-01T00:01:00Z',
          context: { page: { url: `https://x.test/?password=${PASSWORD}` } },
        },
      ]);
      assert.equal(first.inserted + second.inserted, 2);
      const batches = await queryData(
        store,
        sql`SELECT message_id, batch_id FROM ${fn.table('events')} ORDER BY message_id`,
      );
      const run = await redactStored(store, 'w', {
        configNames: [],
        batchId: String(batches[1]!.batch_id),
      });
      assert.equal(run.scope, `import:${String(batches[1]!.batch_id)}`);
      assert.equal(run.rowsChanged, 1);
      const hits = await scanDatabase(store, [TOKEN, PASSWORD]);
      assert.ok(hits.get(TOKEN)!.length > 0, 'the other batch is untouched');
      assert.deepEqual(hits.get(PASSWORD), []);
    });
  },
);
