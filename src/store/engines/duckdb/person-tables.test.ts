import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersonSelection } from '../../types.js';
import { Db, VARCHAR_LIST } from './connection.js';
import { migrate } from './migrate.js';
import { paramsUsedBy, PERSON_TABLES, selectionParams } from './person-tables.js';

// Tables that hold nothing about a person, each for its reason: a new table must be placed on purpose,
// here or in PERSON_TABLES, or an export would miss it and an erasure leave it behind.
const NOT_ABOUT_A_PERSON = new Set([
  'schema_migrations', // versions
  'workspaces', // configuration
  'workspace_settings', // configuration
  'leases', // which process holds a workspace's derive, until when
  'user_agents', // browser strings shared by every visitor who sends them
  'attribution_fits', // a score per channel
  'identity_edges_built', // when a workspace's edges were built
  'erasures', // the audit record: ids and counts, no personal data
  'erased_identifiers', // keyed hashes, which must outlive the erasure
  'redaction_log', // parameter names and counts
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
    const personal = PERSON_TABLES.map((t) => t.table);
    assert.deepEqual(
      tables.filter((t) => !personal.includes(t) && !NOT_ABOUT_A_PERSON.has(t)),
      [],
      'tables placed nowhere',
    );
    for (const t of [...personal, ...NOT_ABOUT_A_PERSON]) assert.ok(tables.includes(t), t);
    // facts come first, as the list promises (an erasure deletes in its order)
    const kinds = PERSON_TABLES.map((t) => t.kind);
    assert.equal(kinds.lastIndexOf('fact'), kinds.filter((k) => k === 'fact').length - 1);
    const params = selectionParams('ws_1', SELECTION);
    for (const { table, where } of PERSON_TABLES) {
      const sql = `SELECT count(*) AS n FROM ${table} WHERE ${where}`;
      const p = paramsUsedBy(sql, params);
      const rows = await db.query(sql, p.params, p.types);
      assert.equal(Number(rows[0]?.n), 0, table);
    }
  } finally {
    await db.close();
  }
});

test('a statement is given exactly the parameters it names, list ones typed as lists', () => {
  const params = selectionParams('ws_1', SELECTION);
  const p = paramsUsedBy('SELECT 1 WHERE $ws = $ws AND x IN (SELECT unnest($ik)) AND $iv', params);
  assert.deepEqual(Object.keys(p.params).sort(), ['ik', 'iv', 'ws']);
  assert.deepEqual(p.types, { ik: VARCHAR_LIST, iv: VARCHAR_LIST });
  // a name that is only the start of another is not taken for it
  assert.deepEqual(Object.keys(paramsUsedBy('SELECT $pidsx', params).params), []);
});
