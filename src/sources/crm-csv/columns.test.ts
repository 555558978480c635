import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  headerKey,
  parseColumnMap,
  parseImportType,
  resolveHeader,
  ColumnMapError,
} from './columns.js';

test('headers match our columns and their aliases whatever their case, spacing or BOM', () => {
  assert.equal(headerKey('\uFEFF  Contact Email '), 'contact_email');
  assert.equal(headerKey('Stage-Changed.At'), 'stage_changed_at');
  const { columns, ignored } = resolveHeader([
    'E-Mail',
    'Phone Number',
    'Deal Stage',
    'Close Date',
    'Value',
    'Owner',
  ]);
  assert.deepEqual(columns, [
    'contact_email',
    'contact_phone',
    'stage',
    'closed_at',
    'amount',
    null,
  ]);
  assert.deepEqual(ignored, ['Owner']);
});

test('--map pairs are Their=ours; the right side may be an alias', () => {
  assert.deepEqual(
    [...parseColumnMap(' Mail Adresse = email , Phase=stage,,')],
    [
      ['mail_adresse', 'contact_email'],
      ['phase', 'stage'],
    ],
  );
  assert.deepEqual([...parseColumnMap(undefined)], []);
  // a header with "=" in it: the last "=" splits
  assert.deepEqual([...parseColumnMap('a=b=stage')], [['a=b', 'stage']]);
  assert.throws(() => parseColumnMap('=stage'), ColumnMapError);
});

test('record types and their other names', () => {
  assert.equal(parseImportType('Lead'), 'contacts');
  assert.equal(parseImportType('opportunity'), 'deals');
  assert.equal(parseImportType('stage change'), 'stages');
  assert.equal(parseImportType('refund'), 'revenue');
  assert.throws(() => parseImportType('ticket'), /not a record type/);
});
