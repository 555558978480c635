import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChangeEvent, parseChangeEvents } from './cdc-schemas.js';
import {
  parseQueryPage,
  parseRecord,
  parseWith,
  SalesforceLeadStatus,
  SalesforceOpportunityStage,
  SalesforcePayloadError,
  SalesforceTokenResponse,
} from './schemas.js';
import { salesforceFixture, SF } from '../../test-helpers/salesforce-fixtures.js';

type Page = { records: unknown[] };

test('SOQL pages: done, nextRecordsUrl and records of each object read from the fixtures', () => {
  const first = parseQueryPage(salesforceFixture('query.leads.page1'));
  assert.equal(first.done, false);
  assert.equal(first.totalSize, 3);
  assert.equal(first.nextRecordsUrl, '/services/data/v62.0/query/01gRO0000016PIAYA2-2000');
  const last = parseQueryPage(salesforceFixture('query.leads.page2'));
  assert.equal(last.done, true);
  assert.equal(last.nextRecordsUrl, undefined);

  const ada = parseRecord('Lead', first.records[0]);
  assert.equal(ada.Id, SF.adaLead);
  assert.equal(ada.IsConverted, true);
  assert.equal(ada.ConvertedDate, '2026-01-20');
  assert.equal(ada.ConvertedContactId, SF.adaContact);
  assert.equal(ada.ConvertedOpportunityId, SF.acmeDeal);
  // Salesforce's +0000 offset reads as UTC
  assert.equal(ada.CreatedDate, Date.UTC(2026, 0, 5, 9, 30));
  // custom fields are kept (the anonymous id a form carried)
  assert.equal(ada.Closedloop_Anonymous_Id__c, 'anon-ada-7f3a');
  const grace = parseRecord('Lead', first.records[1]);
  assert.equal(grace.ConvertedContactId, null);
  assert.equal(grace.Status, 'Working - Contacted');

  const [won, lost] = salesforceFixture<Page>('query.opportunities').records.map((r) =>
    parseRecord('Opportunity', r),
  );
  // an amount keeps its exact decimal text, whatever JSON number it came as
  assert.equal(won!.Amount, '12000.5');
  assert.equal(won!.CurrencyIsoCode, 'EUR');
  assert.deepEqual([won!.IsClosed, won!.IsWon, lost!.IsWon], [true, true, false]);
  assert.equal(lost!.Amount, '5000');
  assert.equal(lost!.Loss_Reason__c, 'Went with a competitor');

  const history = salesforceFixture<Page>('query.opportunity-history').records.map((r) =>
    parseRecord('OpportunityHistory', r),
  );
  assert.deepEqual(
    history.map((h) => h.StageName),
    [
      'Qualification',
      'Qualification',
      'Proposal/Price Quote',
      'Prospecting',
      'Needs Analysis',
      'Closed Won',
      'Closed Lost',
    ],
  );
  const roles = salesforceFixture<Page>('query.contact-roles').records.map((r) =>
    parseRecord('OpportunityContactRole', r),
  );
  assert.deepEqual(
    roles.map((r) => [r.OpportunityId, r.ContactId, r.IsPrimary]),
    [
      [SF.acmeDeal, SF.adaContact, true],
      [SF.globexDeal, SF.globexContact, false],
    ],
  );
  const stages = salesforceFixture<Page>('query.opportunity-stages').records.map((r) =>
    parseWith(SalesforceOpportunityStage, r),
  );
  assert.equal(stages.length, 12);
  assert.deepEqual(
    stages.filter((s) => s.IsWon).map((s) => s.ApiName),
    ['Closed Won', 'Signed'],
  );
  const statuses = salesforceFixture<Page>('query.lead-statuses').records.map((r) =>
    parseWith(SalesforceLeadStatus, r),
  );
  assert.deepEqual(
    statuses.filter((s) => s.IsConverted).map((s) => s.ApiName),
    ['Closed - Converted', 'Qualified'],
  );
  const token = SalesforceTokenResponse.parse(salesforceFixture('token.refresh'));
  assert.equal(token.instance_url, 'https://acme.my.salesforce.com');
  assert.equal(token.refresh_token, undefined);
});

test('records read in the forms other channels send: strings (Outbound Messages), epoch ms (Pub/Sub)', () => {
  const o = parseRecord('Opportunity', {
    Id: SF.acmeDeal,
    Amount: '12000.50',
    IsWon: 'true',
    IsClosed: 'false',
    LastModifiedDate: 1771063200000,
    CloseDate: '2026-02-14',
  });
  assert.equal(o.Amount, '12000.50');
  assert.equal(o.IsWon, true);
  assert.equal(o.IsClosed, false);
  assert.equal(o.LastModifiedDate, 1771063200000);
  assert.equal(parseRecord('Opportunity', { Id: SF.acmeDeal, Amount: '' }).Amount, null);
});

test('a mistyped or missing field fails with its path', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => parseRecord('Lead', { Id: 'not-an-id' }), /^Id: expected a Salesforce id/],
    [() => parseRecord('Opportunity', { Id: SF.acmeDeal, Amount: 'lots' }), /^Amount:/],
    [() => parseRecord('Opportunity', { Id: SF.acmeDeal, IsWon: 'yes' }), /^IsWon:/],
    [() => parseRecord('Opportunity', { Id: SF.acmeDeal, CloseDate: '14/02/2026' }), /^CloseDate:/],
    [
      () => parseRecord('OpportunityHistory', { Id: SF.acmeDeal, CreatedDate: 1 }),
      /^OpportunityId:/,
    ],
    [() => parseRecord('OpportunityHistory', { Id: SF.acmeDeal }), /^CreatedDate: expected an ISO/],
    [
      () => parseRecord('Lead', { Id: SF.adaLead, CreatedDate: 'yesterday' }, ['records', '3']),
      /^records\.3\.CreatedDate:/,
    ],
    [() => parseQueryPage({ done: false, records: [] }), /^totalSize:/],
  ];
  for (const [f, message] of cases) {
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof SalesforcePayloadError, String(err));
      assert.match(err.message, message);
      return true;
    });
  }
});

test('CDC events: the CometD message, its data, or the bare payload; several record ids; only changed fields', () => {
  const messages = salesforceFixture<unknown[]>('cdc.events');
  const events = parseChangeEvents(messages);
  assert.equal(events.length, 9);
  const won = events[3]!;
  assert.equal(won.entityName, 'Opportunity');
  assert.equal(won.changeType, 'UPDATE');
  assert.deepEqual(won.recordIds, [SF.acmeDeal, SF.otherDeal]);
  assert.equal(won.allRecords, false);
  assert.deepEqual(Object.keys(won.fields).sort(), [
    'ForecastCategoryName',
    'IsClosed',
    'IsWon',
    'LastModifiedDate',
    'Probability',
    'StageName',
  ]);
  assert.equal(won.commitTimestamp, Date.UTC(2026, 1, 14, 10));
  assert.equal(won.commitNumber, '10769924300200');
  assert.equal(won.replayId, '104');
  assert.equal(won.channel, '/data/OpportunityChangeEvent');
  assert.equal(events[4]!.nulledFields[0], 'NextStep');
  // the compound Name arrives nested
  assert.deepEqual(events[0]!.fields.Name, { FirstName: 'Grace', LastName: 'Hopper' });
  const overflow = events[8]!;
  assert.equal(overflow.changeType, 'GAP_OVERFLOW');
  assert.equal(overflow.allRecords, true);

  const message = messages[3] as { data: { payload: unknown } };
  const data = parseChangeEvent(message.data);
  const bare = parseChangeEvent(message.data.payload);
  for (const e of [data, bare]) {
    assert.deepEqual(e.recordIds, won.recordIds);
    assert.deepEqual(e.fields, won.fields);
  }
  assert.equal(data.replayId, '104');
  assert.equal(bare.replayId, null);
  // a single event is a batch of one
  assert.equal(parseChangeEvents(message).length, 1);
  // ids by prefix and * mean every record of the object
  const wildcard = parseChangeEvent({
    ChangeEventHeader: {
      entityName: 'Account',
      recordIds: ['001*'],
      changeType: 'UPDATE',
      commitTimestamp: 1,
      changedFields: ['Rating__c'],
    },
  });
  assert.deepEqual([wildcard.recordIds, wildcard.allRecords], [[], true]);
});

test('a CDC event we cannot read fails naming the field', () => {
  const header = {
    entityName: 'Lead',
    recordIds: [SF.graceLead],
    changeType: 'UPDATE',
    commitTimestamp: 1768236300000,
  };
  const cases: Array<[unknown, RegExp]> = [
    [{ ...header, changeType: 'MERGE' }, /^ChangeEventHeader\.changeType:/],
    [{ ...header, recordIds: ['nope'] }, /^ChangeEventHeader\.recordIds\.0:/],
    [{ ...header, commitTimestamp: '2026-01-12' }, /^ChangeEventHeader\.commitTimestamp:/],
    // Pub/Sub API bitmaps are refused: a relay decodes them to names
    [{ ...header, changedFields: ['0x1F'] }, /decode it to field names/],
  ];
  for (const [h, message] of cases) {
    assert.throws(
      () => parseChangeEvent({ ChangeEventHeader: h }),
      (err: unknown) => err instanceof SalesforcePayloadError && message.test(err.message),
    );
  }
  assert.throws(
    () =>
      parseChangeEvents([
        { data: { payload: { ChangeEventHeader: { ...header, entityName: '' } } } },
      ]),
    (err: unknown) =>
      err instanceof SalesforcePayloadError &&
      err.path === '0.data.payload.ChangeEventHeader.entityName',
  );
  assert.throws(() => parseChangeEvent({ Status: 'x' }), /ChangeEventHeader/);
  assert.throws(() => parseChangeEvent('text'), SalesforcePayloadError);
});
