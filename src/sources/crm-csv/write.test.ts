import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeCrmCsv } from './write.js';

test('fields are quoted only when they must be, quotes doubled, CRLF line ends, columns in the set’s order', () => {
  const csv = writeCrmCsv([
    { stage: 'Contract, sent', record_id: '1', description: 'say "hi"' },
    { record_id: '2', description: 'two\nlines' },
    { record_id: ' 3', stage: 'plain' },
  ]);
  assert.equal(
    csv,
    'record_id,stage,description\r\n1,"Contract, sent","say ""hi"""\r\n2,,"two\nlines"\r\n" 3",plain,\r\n',
  );
  assert.equal(
    writeCrmCsv([{ amount: '1' }], ['record_id', 'amount']),
    'record_id,amount\r\n,1\r\n',
  );
});
