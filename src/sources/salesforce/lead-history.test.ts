// What the Salesforce world test found, pinned down small: LeadHistory dates every status a lead passed
// through and its conversion to the second; a change event's own IsClosed/IsWon and IsConverted decide
// what it means (the folded state may already hold a later event's); a change event links an
// opportunity to its person by its primary ContactId.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdcChanges } from './cdc-changes.js';
import { parseChangeEvents } from './cdc-schemas.js';
import { resolveSalesforceMapping } from './mapping.js';
import { leadChanges } from './person-changes.js';
import { parseRecord } from './schemas.js';
import type { CrmChangeRecord } from '../crm/records.js';

const LEAD = '00Q5e0000HIST01AAA';
const CONTACT = '0035e0000HIST01AAA';
const ACCOUNT = '0015e0000HIST01AAA';
const DEAL = '0065e0000HIST01AAA';
const m = resolveSalesforceMapping({ currency: 'USD' });
const brief = (r: CrmChangeRecord) => [
  new Date(r.occurredAt).toISOString(),
  r.change,
  r.stage,
  r.milestone,
  r.outcome,
  r.timeSource,
];

const lead = parseRecord('Lead', {
  Id: LEAD,
  Email: 'hist@example.com',
  Status: 'Closed - Converted',
  IsConverted: true,
  ConvertedDate: '2026-02-03',
  ConvertedContactId: CONTACT,
  ConvertedAccountId: ACCOUNT,
  CreatedDate: '2026-02-01T09:00:00.000+0000',
  LastModifiedDate: '2026-02-03T15:20:07.000+0000',
});
const row = (id: string, field: string, at: string, value?: string) =>
  parseRecord('LeadHistory', {
    Id: `0175e0000HIST0${id}AAA`,
    LeadId: LEAD,
    Field: field,
    NewValue: value ?? null,
    CreatedDate: at,
  });

test('LeadHistory dates each status a lead passed through, and its conversion, to the second', () => {
  const history = [
    row('1', 'created', '2026-02-01T09:00:00.000+0000'),
    row('2', 'Status', '2026-02-02T11:12:13.000+0000', 'Working - Contacted'),
    row('3', 'Status', '2026-02-03T15:20:07.000+0000', 'Closed - Converted'),
    row('4', 'leadConverted', '2026-02-03T15:20:07.000+0000'),
  ];
  const milestones = (list: CrmChangeRecord[]) =>
    list
      .filter((r) => r.milestone !== 'lead')
      .map(brief)
      .sort((a, b) => String(a).localeCompare(String(b)));
  assert.deepEqual(
    milestones(leadChanges(lead, m, { history })),
    [
      [
        '2026-02-02T11:12:13.000Z',
        'lifecycle_stage',
        'Working - Contacted',
        'mql',
        null,
        'history',
      ],
      ['2026-02-03T15:20:07.000Z', 'converted', null, 'sql', null, 'history'],
      ['2026-02-03T15:20:07.000Z', 'lifecycle_stage', 'Closed - Converted', 'sql', null, 'history'],
      [
        '2026-02-03T15:20:07.000Z',
        'lifecycle_stage',
        'Closed - Converted',
        'sql',
        null,
        'snapshot',
      ],
    ].sort((a, b) => String(a).localeCompare(String(b))),
  );
  // without it, the MQL is gone and the conversion has only its date
  assert.deepEqual(milestones(leadChanges(lead, m)), [
    ['2026-02-03T00:00:00.000Z', 'converted', null, 'sql', null, 'stage_date'],
    ['2026-02-03T15:20:07.000Z', 'lifecycle_stage', 'Closed - Converted', 'sql', null, 'snapshot'],
  ]);
  // another lead's rows, and deleted rows, date nothing
  const other = history.map((h) => ({ ...h, LeadId: '00Q5e0000OTHER1AAA' }));
  assert.deepEqual(
    milestones(leadChanges(lead, m, { history: other })),
    milestones(leadChanges(lead, m)),
  );
  // the key of a dated status is the one a change event of the same commit gives
  const dated = leadChanges(lead, m, { history }).find((r) => r.stage === 'Working - Contacted')!;
  assert.equal(
    dated.key,
    `salesforce:lead:${LEAD}:Status:Working - Contacted:${Date.parse('2026-02-02T11:12:13Z')}`,
  );
});

const event = (
  entityName: string,
  id: string,
  changeType: 'CREATE' | 'UPDATE',
  at: string,
  n: number,
  fields: Record<string, unknown>,
) => ({
  data: {
    schema: 'x',
    payload: {
      ChangeEventHeader: {
        entityName,
        recordIds: [id],
        changeType,
        transactionKey: `tx-${n}`,
        sequenceNumber: 1,
        commitTimestamp: Date.parse(at),
        commitNumber: 1000 + n,
        commitUser: '0055e0000USER01AAA',
        changedFields: changeType === 'UPDATE' ? Object.keys(fields) : [],
      },
      ...fields,
    },
    event: { replayId: n },
  },
  channel: `/data/${entityName}ChangeEvent`,
});

test('a change event means what it sent, whatever later events the state already holds', () => {
  const events = parseChangeEvents([
    event('Lead', LEAD, 'CREATE', '2026-02-01T09:00:00Z', 1, {
      Email: 'hist@example.com',
      Status: 'Open - Not Contacted',
      IsConverted: false,
    }),
    event('Lead', LEAD, 'UPDATE', '2026-02-03T15:20:07Z', 2, {
      Status: 'Closed - Converted',
      IsConverted: true,
      ConvertedContactId: CONTACT,
      ConvertedAccountId: ACCOUNT,
    }),
    event('Opportunity', DEAL, 'CREATE', '2026-02-04T10:00:00Z', 3, {
      StageName: 'Prospecting',
      Amount: 12000,
      AccountId: ACCOUNT,
      ContactId: CONTACT,
      IsClosed: false,
      IsWon: false,
    }),
    event('Opportunity', DEAL, 'UPDATE', '2026-02-20T16:00:00Z', 4, {
      StageName: 'Closed Won',
      IsClosed: true,
      IsWon: true,
    }),
  ]);
  // every event at once, and in reverse: the state holds the conversion and the win from the start
  for (const list of [events, [...events].reverse()]) {
    const records = cdcChanges(list, m);
    assert.deepEqual(
      records
        .filter((r) => r.milestone !== 'lead')
        .map(brief)
        .sort((a, b) => String(a).localeCompare(String(b))),
      [
        ['2026-02-03T15:20:07.000Z', 'converted', null, 'sql', null, 'event'],
        ['2026-02-03T15:20:07.000Z', 'lifecycle_stage', 'Closed - Converted', 'sql', null, 'event'],
        ['2026-02-04T10:00:00.000Z', 'deal_stage', 'Prospecting', 'opportunity', 'open', 'event'],
        ['2026-02-20T16:00:00.000Z', 'deal_stage', 'Closed Won', 'customer', 'won', 'event'],
      ],
    );
    // the opportunity's person: its primary contact
    for (const r of records.filter((x) => x.objectType === 'deal'))
      assert.deepEqual([r.match.contactIds, r.match.companyIds], [[CONTACT], [ACCOUNT]]);
  }
});
