import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdcChanges } from './cdc-changes.js';
import { contactChanges, leadChanges, type MappingIssue } from './person-changes.js';
import {
  leadStatusMilestone,
  mappingMilestones,
  opportunityStageRule,
  resolveSalesforceMapping,
  SalesforceMappingError,
  undefinedMilestones,
} from './mapping.js';
import {
  opportunitiesChanges,
  opportunityChanges,
  outboundChanges,
} from './opportunity-changes.js';
import { outboundRecords, parseOutboundMessage } from './outbound-message.js';
import { parseChangeEvents } from './cdc-schemas.js';
import {
  parseRecord,
  parseWith,
  SalesforceLeadStatus,
  SalesforceOpportunityStage,
} from './schemas.js';
import type { CrmChangeRecord } from '../crm/records.js';
import { salesforceFixture, salesforceXml, SF } from '../../test-helpers/salesforce-fixtures.js';

type Page = { records: unknown[] };
const rows = <T>(name: Parameters<typeof salesforceFixture>[0], read: (r: unknown) => T) =>
  salesforceFixture<Page>(name).records.map(read);
const leads = () =>
  rows('query.leads.page1', (r) => parseRecord('Lead', r)).concat(
    rows('query.leads.page2', (r) => parseRecord('Lead', r)),
  );
const opportunities = () => rows('query.opportunities', (r) => parseRecord('Opportunity', r));
const history = () =>
  rows('query.opportunity-history', (r) => parseRecord('OpportunityHistory', r));
const roles = () => rows('query.contact-roles', (r) => parseRecord('OpportunityContactRole', r));
const org = () => ({
  opportunityStages: rows('query.opportunity-stages', (r) =>
    parseWith(SalesforceOpportunityStage, r),
  ),
  leadStatuses: rows('query.lead-statuses', (r) => parseWith(SalesforceLeadStatus, r)),
});
const brief = (r: CrmChangeRecord) => [
  new Date(r.occurredAt).toISOString().slice(0, 16),
  r.change,
  r.stage,
  r.milestone,
  r.outcome,
  r.amount ? `${r.amount.minor} ${r.amount.currency}` : null,
  r.timeSource,
];

test('stock values map by default; the org settings and the workspace override them', () => {
  const m = resolveSalesforceMapping({}, org());
  assert.deepEqual(
    [
      'Open - Not Contacted',
      'Working - Contacted',
      'Closed - Converted',
      'Closed - Not Converted',
      'Qualified',
      'Nurturing',
    ].map((s) => [s, leadStatusMilestone(m, s)]),
    [
      ['Open - Not Contacted', { milestone: 'lead', known: true }],
      ['Working - Contacted', { milestone: 'mql', known: true }],
      ['Closed - Converted', { milestone: 'sql', known: true }],
      ['Closed - Not Converted', { milestone: null, known: true }],
      // the org's own converted status counts as a conversion
      ['Qualified', { milestone: 'sql', known: true }],
      ['Nurturing', { milestone: null, known: false }],
    ],
  );
  const stock = resolveSalesforceMapping();
  for (const stage of [
    'Prospecting',
    'Qualification',
    'Needs Analysis',
    'Value Proposition',
    'Id. Decision Makers',
    'Perception Analysis',
    'Proposal/Price Quote',
    'Negotiation/Review',
  ])
    assert.deepEqual(
      opportunityStageRule(stock, stage),
      { outcome: 'open', milestone: 'opportunity', known: true },
      stage,
    );
  assert.deepEqual(opportunityStageRule(stock, 'Closed Won'), {
    outcome: 'won',
    milestone: 'customer',
    known: true,
  });
  assert.deepEqual(opportunityStageRule(stock, 'Closed Lost'), {
    outcome: 'lost',
    milestone: null,
    known: true,
  });
  // a renamed won stage: unknown to the stock names, known to the org's settings and to IsWon
  assert.deepEqual(opportunityStageRule(stock, 'Signed'), {
    outcome: 'open',
    milestone: 'opportunity',
    known: false,
  });
  assert.equal(opportunityStageRule(m, 'Signed').outcome, 'won');
  assert.equal(
    opportunityStageRule(stock, 'Signed', { isClosed: true, isWon: true }).outcome,
    'won',
  );
  assert.equal(
    opportunityStageRule(stock, 'Gone', { isClosed: true, isWon: false }).outcome,
    'lost',
  );

  const custom = resolveSalesforceMapping(
    {
      leadStatuses: { 'Working - Contacted': 'sql', Nurturing: 'mql' },
      opportunityStages: {
        'Id. Decision Makers': { milestone: 'meeting_booked' },
        'Closed Won': { outcome: 'won', milestone: 'customer' },
        Signed: { outcome: 'won' },
      },
      currency: 'usd',
      convertedLeadMilestone: null,
    },
    org(),
  );
  assert.equal(leadStatusMilestone(custom, 'Working - Contacted').milestone, 'sql');
  assert.equal(leadStatusMilestone(custom, 'Nurturing').milestone, 'mql');
  assert.equal(leadStatusMilestone(custom, 'Qualified').milestone, null);
  assert.deepEqual(opportunityStageRule(custom, 'Id. Decision Makers'), {
    outcome: 'open',
    milestone: 'meeting_booked',
    known: true,
  });
  assert.equal(custom.currency, 'usd');
  assert.deepEqual(mappingMilestones(custom), [
    'customer',
    'lead',
    'meeting_booked',
    'mql',
    'opportunity',
    'sql',
  ]);
  assert.deepEqual(undefinedMilestones(custom), [
    'opportunityStages.Id. Decision Makers.milestone: "meeting_booked" is not a milestone of the funnel (lead, mql, sql, opportunity, customer)',
  ]);
  assert.deepEqual(
    undefinedMilestones(custom, [
      'lead',
      'mql',
      'sql',
      'meeting_booked',
      'opportunity',
      'customer',
    ]),
    [],
  );
  for (const [settings, path] of [
    [{ leadStatuses: { Open: 'Qualified Lead' } }, 'leadStatuses.Open'],
    [{ opportunityStages: { Won: { outcome: 'closed' } } }, 'opportunityStages.Won.outcome'],
    [{ currency: 'euro' }, 'currency'],
    [{ lostReasonField: 'Loss Reason' }, 'lostReasonField'],
    [{ pipelines: {} }, '(root)'],
  ] as const) {
    assert.throws(
      () => resolveSalesforceMapping(settings),
      (err: unknown) => err instanceof SalesforceMappingError && err.path === path,
      path,
    );
  }
});

test('a converted lead: created, its status, and its conversion with the contact, account and opportunity it became', () => {
  const m = resolveSalesforceMapping({}, org());
  const [ada, grace, alan] = leads();
  const records = leadChanges(ada!, m, { organizationId: SF.org });
  assert.deepEqual(records.map(brief), [
    ['2026-01-05T09:30', 'lifecycle_stage', null, 'lead', null, null, 'stage_date'],
    ['2026-01-20T00:00', 'converted', null, 'sql', null, null, 'stage_date'],
    ['2026-01-20T14:00', 'lifecycle_stage', 'Closed - Converted', 'sql', null, null, 'snapshot'],
  ]);
  assert.deepEqual(
    records.map((r) => r.key),
    [
      `salesforce:lead:${SF.adaLead}:created`,
      `salesforce:lead:${SF.adaLead}:converted:${SF.adaContact}`,
      `salesforce:lead:${SF.adaLead}:Status:Closed - Converted:snapshot`,
    ],
  );
  const converted = records[1]!;
  assert.equal(converted.objectType, 'lead');
  assert.equal(converted.account, SF.org);
  assert.equal(converted.mergedInto, SF.adaContact);
  assert.deepEqual(converted.convertedTo, {
    contactId: SF.adaContact,
    companyId: SF.acme,
    dealId: SF.acmeDeal,
  });
  // the lead is matched by its own keys and through what it became
  assert.deepEqual(converted.match, {
    emails: ['ada@example.com'],
    phones: ['+44 20 7946 0001'],
    anonymousIds: ['anon-ada-7f3a'],
    contactIds: [SF.adaContact],
    companyIds: [SF.acme],
  });
  assert.deepEqual(leadChanges(grace!, m).map(brief).at(-1), [
    '2026-01-12T16:45',
    'lifecycle_stage',
    'Working - Contacted',
    'mql',
    null,
    null,
    'snapshot',
  ]);
  const issues: MappingIssue[] = [];
  leadChanges(alan!, m, { issues });
  assert.deepEqual(issues, [
    {
      objectType: 'lead',
      objectId: SF.alanLead,
      message: 'lead status "Nurturing" is not mapped: no milestone',
    },
  ]);
  const contacts = rows('query.contacts', (r) => parseRecord('Contact', r));
  const [c] = contactChanges(contacts[0]!, m);
  assert.deepEqual(brief(c!), [
    '2026-01-20T14:00',
    'lifecycle_stage',
    null,
    'lead',
    null,
    null,
    'stage_date',
  ]);
  assert.deepEqual(c!.match.contactIds, [SF.adaContact]);
  assert.deepEqual(c!.match.companyIds, [SF.acme]);
});

test('opportunities: every stage from OpportunityHistory with the amount it had then; won and lost kept', () => {
  const m = resolveSalesforceMapping({}, org());
  const [won, lost] = opportunities();
  const records = opportunitiesChanges(
    { opportunities: [won!, lost!], history: history(), contactRoles: roles() },
    m,
    { organizationId: SF.org },
  );
  assert.deepEqual(records.filter((r) => r.objectId === SF.acmeDeal).map(brief), [
    // the amount-only change on 28 January is no stage change
    [
      '2026-01-20T14:00',
      'deal_stage',
      'Qualification',
      'opportunity',
      'open',
      '1000000 eur',
      'history',
    ],
    [
      '2026-02-01T12:00',
      'deal_stage',
      'Proposal/Price Quote',
      'opportunity',
      'open',
      '1200050 eur',
      'history',
    ],
    ['2026-02-14T10:00', 'deal_stage', 'Closed Won', 'customer', 'won', '1200050 eur', 'history'],
  ]);
  const lostRecords = records.filter((r) => r.objectId === SF.globexDeal);
  assert.deepEqual(lostRecords.map(brief).at(-1), [
    '2026-03-02T17:30',
    'deal_stage',
    'Closed Lost',
    null,
    'lost',
    '500000 usd',
    'history',
  ]);
  assert.equal(lostRecords.at(-1)!.lostReason, 'Went with a competitor');
  assert.deepEqual(
    lostRecords.slice(0, -1).map((r) => r.lostReason),
    [null, null],
  );
  const wonRecord = records.find((r) => r.stage === 'Closed Won')!;
  assert.equal(
    wonRecord.key,
    `salesforce:deal:${SF.acmeDeal}:StageName:Closed Won:${Date.UTC(2026, 1, 14, 10)}`,
  );
  assert.deepEqual(wonRecord.match.contactIds, [SF.adaContact]);
  assert.deepEqual(wonRecord.match.companyIds, [SF.acme]);
  assert.equal(wonRecord.account, SF.org);

  // no history: the current stage, dated by the snapshot and keyed without a time
  const [snap] = opportunityChanges(won!, m);
  assert.deepEqual(brief(snap!), [
    '2026-02-14T10:00',
    'deal_stage',
    'Closed Won',
    'customer',
    'won',
    '1200050 eur',
    'snapshot',
  ]);
  assert.equal(snap!.key, `salesforce:deal:${SF.acmeDeal}:StageName:Closed Won:snapshot`);
  // a single-currency org: the mapping's currency, or no amount and an issue
  const single = { ...won!, CurrencyIsoCode: null };
  const issues: MappingIssue[] = [];
  assert.equal(opportunityChanges(single, m, { issues })[0]!.amount, null);
  assert.match(issues[0]!.message, /has no currency/);
  assert.deepEqual(
    opportunityChanges(single, resolveSalesforceMapping({ currency: 'GBP' }))[0]!.amount,
    { minor: 1200050, currency: 'gbp' },
  );
  // deleted (queryAll)
  const gone = opportunityChanges({ ...won!, IsDeleted: true }, m);
  assert.equal(gone.at(-1)!.change, 'deleted');
});

test('CDC events give dated records for each record id; conversions and snapshots agree on keys with the backfill', () => {
  const m = resolveSalesforceMapping({}, org());
  const events = parseChangeEvents(salesforceFixture('cdc.events'));
  const issues: MappingIssue[] = [];
  const records = cdcChanges(events, m, { organizationId: SF.org, issues });
  const byId = (id: string) => records.filter((r) => r.objectId === id).map(brief);
  assert.deepEqual(byId(SF.graceLead), [
    ['2026-01-10T08:00', 'lifecycle_stage', 'Open - Not Contacted', 'lead', null, null, 'event'],
    ['2026-01-10T08:00', 'lifecycle_stage', null, 'lead', null, null, 'event'],
    ['2026-01-12T16:45', 'lifecycle_stage', 'Working - Contacted', 'mql', null, null, 'event'],
  ]);
  assert.deepEqual(byId(SF.adaLead), [
    ['2026-01-20T14:00', 'lifecycle_stage', 'Closed - Converted', 'sql', null, null, 'event'],
    ['2026-01-20T14:00', 'converted', null, 'sql', null, null, 'event'],
  ]);
  // one event, two opportunities: a record each (no amount: the events never sent one)
  for (const id of [SF.acmeDeal, SF.otherDeal])
    assert.deepEqual(byId(id), [
      ['2026-02-14T10:00', 'deal_stage', 'Closed Won', 'customer', 'won', null, 'event'],
    ]);
  const lost = records.find((r) => r.objectId === SF.globexDeal)!;
  assert.deepEqual([lost.outcome, lost.lostReason], ['lost', 'Went with a competitor']);
  assert.deepEqual(
    byId(SF.alanLead).map((r) => [r[1], r[2]]),
    [
      ['deleted', null],
      ['lifecycle_stage', 'Nurturing'],
      ['restored', null],
    ],
  );
  assert.equal(byId(SF.gapDeal).length, 0); // a gap event is re-fetched, not mapped
  assert.deepEqual(
    issues.map((i) => i.message),
    ['lead status "Nurturing" is not mapped: no milestone'],
  );
  // the conversion has the same key from the backfill and from CDC; creations too
  const backfill = leadChanges(leads()[0]!, m, { organizationId: SF.org });
  const conversionKey = `salesforce:lead:${SF.adaLead}:converted:${SF.adaContact}`;
  assert.ok(backfill.some((r) => r.key === conversionKey));
  assert.ok(records.some((r) => r.key === conversionKey));
  const converted = records.find((r) => r.key === conversionKey)!;
  assert.deepEqual(converted.convertedTo, {
    contactId: SF.adaContact,
    companyId: SF.acme,
    dealId: SF.acmeDeal,
  });
  // re-delivered and reordered events give the same records
  assert.deepEqual(
    cdcChanges([...events, ...events].reverse(), m, { organizationId: SF.org }),
    records,
  );
});

test('Outbound Messages give the snapshot records a backfill gives', () => {
  const m = resolveSalesforceMapping({}, org());
  const opp = outboundChanges(
    outboundRecords(parseOutboundMessage(salesforceXml('outbound.opportunity'))),
    m,
  );
  assert.deepEqual(opp.map(brief), [
    ['2026-02-14T10:00', 'deal_stage', 'Closed Won', 'customer', 'won', '1200050 eur', 'snapshot'],
    ['2026-03-02T17:30', 'deal_stage', 'Closed Lost', null, 'lost', '500000 usd', 'snapshot'],
  ]);
  assert.equal(opp[1]!.lostReason, 'Went with a competitor');
  assert.equal(opp[0]!.key, opportunityChanges(opportunities()[0]!, m)[0]!.key);
  const lead = outboundChanges(
    outboundRecords(parseOutboundMessage(salesforceXml('outbound.lead'))),
    m,
  );
  const fromBackfill = leadChanges(leads()[1]!, m);
  assert.deepEqual(
    lead.map((r) => r.key),
    [fromBackfill.at(-1)!.key],
  );
  assert.deepEqual(lead[0]!.match.emails, ['grace@navy.example']);
});
