import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCsvMapping, CsvMappingError } from './mapping.js';
import { rowRecords } from './rows.js';

const mapping = resolveCsvMapping();

test('every bad field of a row is reported, not just the first', () => {
  const r = rowRecords(
    { record_id: '7', created_at: 'soon', amount: '1.000', currency: 'euro', status: 'pending' },
    'deals',
    mapping,
  );
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.map((e) => e.field), [
    'created_at',
    'currency',
    'amount',
    'status',
  ]);
});

test('a closed deal needs to say when; a stage change needs a stage and a time; revenue needs a payer', () => {
  const fields = (
    row: Parameters<typeof rowRecords>[0],
    type: Parameters<typeof rowRecords>[1],
  ) => {
    const r = rowRecords(row, type, mapping);
    return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.reason}`);
  };
  assert.deepEqual(fields({ record_id: '1', created_at: '2026-01-01', status: 'won' }, 'deals'), [
    'closed_at: required for a won deal: when it closed',
  ]);
  assert.deepEqual(fields({ record_id: '1' }, 'stages'), [
    'stage: required for a stage change: the stage (or a status)',
    'stage_changed_at: required for a stage change: when it happened',
  ]);
  assert.deepEqual(fields({ amount: '5', currency: 'EUR', occurred_at: '2026-01-01' }, 'revenue'), [
    'contact_email: required for revenue: who paid (e-mail, phone, contact, company or deal id)',
  ]);
  assert.deepEqual(fields({ object: 'ticket', record_id: '1' }, 'stages'), [
    'object: "ticket" is not deal or contact',
  ]);
});

test('a won deal closed at a time that is also its stage time is one record, not two', () => {
  const r = rowRecords(
    { record_id: '1', stage: 'Proposal', stage_changed_at: '2026-02-01', status: 'won' },
    'deals',
    mapping,
  );
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.changes.map((c) => c.key), [
    `csv:deal:1:status:won:${Date.parse('2026-02-01T00:00:00Z')}`,
  ]);
});

test('settings are validated, naming the field', () => {
  assert.throws(
    () => resolveCsvMapping({ dealStages: { '*': { Won: { outcome: 'done' } } } }),
    (err: unknown) => err instanceof CsvMappingError && err.path === 'dealStages.*.Won.outcome',
  );
  assert.throws(
    () => resolveCsvMapping({ contactStages: { Lead: 'Lead' } }),
    /contactStages\.Lead/,
  );
  const custom = resolveCsvMapping({ createdContactMilestone: null, lostDealMilestone: 'lost' });
  const r = rowRecords(
    { contact_email: 'a@b.example', created_at: '2026-01-01' },
    'contacts',
    custom,
  );
  assert.ok(r.ok && r.changes[0]!.milestone === null);
});
