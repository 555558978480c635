import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersonSelection } from '../../types.js';
import { Db } from './connection.js';
import { duckDbDialect, queryNeutral } from './dialect.js';
import { TOMBSTONED_KINDS } from './erased-identifiers.js';
import { migrate } from './migrate.js';
import {
  countPersonRowsSql,
  personTables,
  TOMBSTONED_KIND_NAMES,
  tombstoneKeys,
} from '../neutral/privacy-queries.js';
import { render, sql } from '../neutral/sql.js';

// Tables that hold nothing about a person, each for its reason: a new table must be placed on purpose,
// here or in neutral/privacy-queries.ts, or an export would miss it and an erasure leave it behind.
const NOT_ABOUT_A_PERSON = new Set([
  'schema_migrations', // versions
  'workspaces', // configuration
  'workspace_settings', // configuration
  'leases', // which process holds a workspace's derive, until when
  'connectors', // configuration: sealed credentials, cursors
  'user_agents', // browser strings shared by every visitor who sends them
  'attribution_fits', // a score per channel
  'identity_edges_built', // when a workspace's edges were built
  'erasures', // the audit record: ids and counts, no personal data
  'erased_identifiers', // keyed hashes, which must outlive the erasure
  'redaction_log', // parameter names and counts
  'fx_rates', // exchange rates
  'ad_costs', // what ad platforms report per campaign and day
  'ad_cost_imports', // which account and period each ad-cost import covered
  'webhook_receipt_loads', // which receipts the loader handed on: vendor event ids, no personal data
  'ad_clicks', // a click id's campaign as the ad platform reports it; the visitor's side is in their events and sessions
  'users', // the install's own operators (e-mail, password hash), not tracked persons
  'workspace_members', // operators' roles
  'user_sessions', // operators' sign-ins (token hashes)
  'password_resets', // operators' reset tokens (hashes)
  'api_keys', // key hashes and roles
  'audit_log', // operators' sign-ins and changes
  'invitations', // an operator's e-mail invited to a workspace, until used
  'login_attempts', // sign-in attempts for a quarter hour: an e-mail's hash, a client address
]);

const SELECTION: PersonSelection = {
  personIds: ['p_1'],
  identifiers: [
    { kind: 'email', value: 'ann@example.com' },
    { kind: 'anonymous_id', value: 'shared' },
  ],
  events: {
    anonymousIds: ['a1'],
    userIds: ['u1'],
    previousIds: [],
    emails: ['ann@example.com'],
    phones: [],
    messageIds: ['m1'],
    deviceSpans: [{ anonymousId: 'shared', from: '2026-01-01T00:00:00.000Z', until: null }],
  },
  sharedDevices: [{ anonymousId: 'shared', from: '2026-01-01T00:00:00.000Z', until: null }],
  links: [{ kind: 'email', value: 'ann@example.com' }],
  deadLetters: ['dl_1'],
};

test("every table of the schema is either a person's (with a filter the engine accepts) or declared not about one", async () => {
  const db = await Db.open(':memory:');
  try {
    await migrate(db);
    const tables = (
      await db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
      )
    ).map((r) => String(r.table_name));
    const person = personTables('ws_1', SELECTION);
    const personal = person.map((t) => t.table as string);
    assert.deepEqual(
      tables.filter((t) => !personal.includes(t) && !NOT_ABOUT_A_PERSON.has(t)),
      [],
      'tables placed nowhere',
    );
    for (const t of [...personal, ...NOT_ABOUT_A_PERSON]) assert.ok(tables.includes(t), t);
    // facts come first, as the list promises (an erasure deletes in its order)
    const kinds = person.map((t) => t.kind);
    assert.equal(kinds.lastIndexOf('fact'), kinds.filter((k) => k === 'fact').length - 1);
    for (const t of person) {
      const rows = await queryNeutral(db, countPersonRowsSql(t));
      assert.equal(Number(rows[0]?.n), 0, t.table);
    }
  } finally {
    await db.close();
  }
});

test('an erasure tombstones the identifiers a load checks, and of a shared device only the stretches', () => {
  assert.deepEqual(
    TOMBSTONED_KIND_NAMES,
    TOMBSTONED_KINDS.map((k) => k.kind),
  );
  const sel: PersonSelection = {
    ...SELECTION,
    identifiers: [
      ...SELECTION.identifiers,
      { kind: 'user_id', value: 'u1' },
      { kind: 'phone', value: '+442079460018' },
      { kind: 'email', value: 'ann@example.com' },
    ],
    sharedDevices: [
      { anonymousId: 'shared', from: '2026-01-01T00:00:00.000Z', until: null },
      { anonymousId: 'shared', from: null, until: '2025-06-01T00:00:00.000Z' },
    ],
  };
  assert.deepEqual(tombstoneKeys(sel), [
    { kind: 'email', value: 'ann@example.com', from: null, until: null },
    { kind: 'user_id', value: 'u1', from: null, until: null },
    { kind: 'anonymous_id', value: 'shared', from: '2026-01-01T00:00:00.000Z', until: null },
    { kind: 'anonymous_id', value: 'shared', from: null, until: '2025-06-01T00:00:00.000Z' },
  ]);
});

test('an empty selection names no row, and a kind cannot pass for a pair', () => {
  const none: PersonSelection = {
    personIds: [],
    identifiers: [],
    events: {
      anonymousIds: [],
      userIds: [],
      previousIds: [],
      emails: [],
      phones: [],
      messageIds: [],
      deviceSpans: [],
    },
    sharedDevices: [],
    links: [],
    deadLetters: [],
  };
  for (const t of personTables('ws_1', none)) {
    const r = render(duckDbDialect, t.where);
    assert.ok(r.text.endsWith('false'), r.text);
    assert.ok(Object.keys(r.params).length <= 1, t.table);
  }
  assert.throws(
    () => personTables('ws_1', { ...none, links: [{ kind: 'a\u001fb', value: 'c' }] }),
    /U\+001F/,
  );
});

test("a person's webhook receipts: their e-mail in any case, their phone in any spelling (national too), their ids whole", async () => {
  const db = await Db.open(':memory:');
  try {
    await migrate(db);
    const bodies: Record<string, string> = {
      email: '{"emails":[{"value":"ANN@example.com"}]}',
      phone: '{"phones":[{"value":"+44 161 496-0003"}]}',
      phoneNational: '{"phone":"0161 496 0003"}',
      phoneTrunk: '{"Phone":"+44 (0)161 496 0003"}',
      id: '<sf:Anon__c>anon-ann-1</sf:Anon__c>',
      longerEmail: '{"email":"joann@example.com"}',
      longerPhone: '{"phone":"+44 161 496 00031"}',
      partOfId: '{"a":"anon-ann-12"}',
    };
    for (const [key, body] of Object.entries(bodies))
      await db.write((w) =>
        w.run(
          `INSERT INTO webhook_receipts VALUES ('ws_1', 'pipedrive', '${key}', now(), 'application/json', '${body}')`,
        ),
      );
    const sel: PersonSelection = {
      ...SELECTION,
      identifiers: [
        { kind: 'email', value: 'ann@example.com' },
        { kind: 'phone', value: '+441614960003' },
        { kind: 'anonymous_id', value: 'anon-ann-1' },
      ],
      sharedDevices: [],
    };
    const t = personTables('ws_1', sel).find((x) => x.table === 'webhook_receipts')!;
    const rows = await queryNeutral(
      db,
      sql`SELECT dedup_key FROM webhook_receipts WHERE ${t.where} ORDER BY 1`,
    );
    assert.deepEqual(
      rows.map((r) => r.dedup_key),
      ['email', 'id', 'phone', 'phoneNational', 'phoneTrunk'],
    );
  } finally {
    await db.close();
  }
});
