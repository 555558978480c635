import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  companyRecord,
  contactChanges,
  contactRecord,
  type MappingIssue,
} from './contact-changes.js';
import { dealChanges, dealRecord } from './deal-changes.js';
import {
  dealStageRule,
  DEFAULT_DEAL_STAGE_OUTCOMES,
  HubSpotMappingError,
  lifecycleMilestone,
  mappingMilestones,
  resolveHubSpotMapping,
  STOCK_LIFECYCLE_STAGES,
  undefinedMilestones,
} from './mapping.js';
import { webhookChanges } from './webhook-changes.js';
import { parseObjectPage, parsePipelines, type HubSpotCrmObject } from './schemas.js';
import { parseWebhookBody } from './webhook-schemas.js';
import type { CrmChangeRecord } from '../crm/records.js';
import { hubspotFixture } from '../../test-helpers/hubspot-fixtures.js';

const contacts = () => [
  ...parseObjectPage(hubspotFixture('contacts.page1')).results,
  ...parseObjectPage(hubspotFixture('contacts.page2')).results,
];
const deals = () => [
  ...parseObjectPage(hubspotFixture('deals.page1')).results,
  ...parseObjectPage(hubspotFixture('deals.page2')).results,
];
const pipelines = () => parsePipelines(hubspotFixture('pipelines.deals'));
const day = (r: CrmChangeRecord) => new Date(r.occurredAt).toISOString().slice(0, 16);

function mappingError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HubSpotMappingError, String(err));
    return err.path;
  }
  assert.fail('accepted');
}

test("the default mapping of HubSpot's stock lifecycle stages and deal stages", () => {
  const m = resolveHubSpotMapping();
  assert.deepEqual(
    STOCK_LIFECYCLE_STAGES.map((s) => [s, lifecycleMilestone(m, s)]),
    [
      ['subscriber', 'lead'],
      ['lead', 'lead'],
      ['marketingqualifiedlead', 'mql'],
      ['salesqualifiedlead', 'sql'],
      ['opportunity', 'opportunity'],
      ['customer', 'customer'],
      ['evangelist', 'customer'],
      ['other', null],
    ],
  );
  // a custom lifecycle stage (an id) or an unknown name gives none until the workspace maps it
  assert.equal(lifecycleMilestone(m, '1234567'), null);
  assert.equal(lifecycleMilestone(m, 'constructor'), null);
  assert.deepEqual(
    Object.keys(DEFAULT_DEAL_STAGE_OUTCOMES).map((s) => {
      const r = dealStageRule(m, 'default', s);
      return [s, r.outcome, r.milestone, r.known];
    }),
    [
      ['appointmentscheduled', 'open', 'opportunity', true],
      ['qualifiedtobuy', 'open', 'opportunity', true],
      ['presentationscheduled', 'open', 'opportunity', true],
      ['decisionmakerboughtin', 'open', 'opportunity', true],
      ['contractsent', 'open', 'opportunity', true],
      ['closedwon', 'won', 'customer', true],
      ['closedlost', 'lost', null, true],
    ],
  );
  assert.deepEqual(mappingMilestones(m), ['customer', 'lead', 'mql', 'opportunity', 'sql']);
  assert.deepEqual(undefinedMilestones(m), []);
});

test("custom pipelines' stages are read from the portal's pipeline settings, then HubSpot's verdict on the current stage", () => {
  const bare = resolveHubSpotMapping();
  const m = resolveHubSpotMapping({}, pipelines());
  const rule = (mapping: typeof m, stage: string, hints = {}) => {
    const r = dealStageRule(mapping, '12345678', stage, hints);
    return [r.outcome, r.milestone, r.known];
  };
  assert.deepEqual(rule(m, '98765432'), ['open', 'opportunity', true]);
  assert.deepEqual(rule(m, '98765433'), ['won', 'customer', true]);
  assert.deepEqual(rule(m, '98765434'), ['lost', null, true]);
  // without the pipelines: unknown, counted as open, unless the snapshot says how its stage closed
  assert.deepEqual(rule(bare, '98765433'), ['open', 'opportunity', false]);
  assert.deepEqual(rule(bare, '98765433', { isClosed: true, isClosedWon: true }), [
    'won',
    'customer',
    true,
  ]);
  assert.deepEqual(rule(bare, '98765434', { isClosed: true, isClosedWon: false }), [
    'lost',
    null,
    true,
  ]);
});

test('a workspace overrides stages by pipeline or for any pipeline; bad settings are refused naming the field', () => {
  const m = resolveHubSpotMapping(
    {
      lifecycleStages: { '1234567': 'sql', subscriber: null },
      dealStages: {
        default: { appointmentscheduled: { milestone: 'meeting_booked' } },
        '*': { '98765433': { outcome: 'won', milestone: 'renewal' } },
        '12345678': { '98765434': { milestone: 'churned' } },
      },
      openDealMilestone: null,
      currency: 'USD',
    },
    pipelines(),
  );
  assert.equal(lifecycleMilestone(m, '1234567'), 'sql');
  assert.equal(lifecycleMilestone(m, 'subscriber'), null);
  assert.equal(lifecycleMilestone(m, 'lead'), 'lead'); // the defaults fill the rest
  const rule = (pipeline: string, stage: string) => {
    const r = dealStageRule(m, pipeline, stage);
    return [r.outcome, r.milestone];
  };
  assert.deepEqual(rule('default', 'appointmentscheduled'), ['open', 'meeting_booked']);
  assert.deepEqual(rule('default', 'qualifiedtobuy'), ['open', null]); // openDealMilestone: null
  assert.deepEqual(rule('default', 'closedwon'), ['won', 'customer']);
  assert.deepEqual(rule('12345678', '98765433'), ['won', 'renewal']);
  assert.deepEqual(rule('12345678', '98765434'), ['lost', 'churned']); // the outcome stays the portal's
  assert.equal(m.currency, 'usd');
  assert.deepEqual(undefinedMilestones(m), [
    // (object keys that are integers come first, as JavaScript orders them)
    'dealStages.12345678.98765434.milestone: "churned" is not a milestone of the funnel (lead, mql, sql, opportunity, customer)',
    'dealStages.default.appointmentscheduled.milestone: "meeting_booked" is not a milestone of the funnel (lead, mql, sql, opportunity, customer)',
    'dealStages.*.98765433.milestone: "renewal" is not a milestone of the funnel (lead, mql, sql, opportunity, customer)',
  ]);
  assert.deepEqual(
    undefinedMilestones(m, [
      'lead',
      'mql',
      'sql',
      'meeting_booked',
      'opportunity',
      'renewal',
      'churned',
      'customer',
    ]),
    [],
  );
  assert.equal(
    mappingError(() => resolveHubSpotMapping({ lifecycleStages: { lead: 'Lead!' } })),
    'lifecycleStages.lead',
  );
  assert.equal(
    mappingError(() =>
      resolveHubSpotMapping({ dealStages: { default: { closedwon: { outcome: 'done' } } } }),
    ),
    'dealStages.default.closedwon.outcome',
  );
  assert.equal(
    mappingError(() => resolveHubSpotMapping({ currency: 'euro' })),
    'currency',
  );
  assert.equal(
    mappingError(() => resolveHubSpotMapping({ lifecyleStages: {} })),
    '(root)',
  );
});

test('a contact gives the stages it reached, dated by HubSpot, with the keys to match it by', () => {
  const m = resolveHubSpotMapping();
  const [ada, bob, cy] = contacts() as [HubSpotCrmObject, HubSpotCrmObject, HubSpotCrmObject];
  const records = contactChanges(ada, m, { portalId: '48975575' });
  assert.deepEqual(
    records.map((r) => [day(r), r.stage, r.milestone, r.timeSource]),
    [
      ['2026-01-05T09:30', 'lead', 'lead', 'stage_date'],
      ['2026-01-12T14:00', 'marketingqualifiedlead', 'mql', 'stage_date'],
      ['2026-01-20T11:15', 'salesqualifiedlead', 'sql', 'stage_date'],
      ['2026-01-25T00:00', 'opportunity', 'opportunity', 'stage_date'],
      ['2026-02-14T10:00', 'customer', 'customer', 'stage_date'],
    ],
  );
  const first = records[0]!;
  assert.equal(
    first.key,
    `hubspot:contact:101:lifecyclestage:lead:${Date.parse('2026-01-05T09:30:00Z')}`,
  );
  assert.equal(first.account, '48975575');
  assert.equal(first.change, 'lifecycle_stage');
  assert.deepEqual(first.match, {
    emails: ['ada@example.com', 'ada.l@example.org', 'ada@lovelace.example'],
    phones: ['+44 20 7946 0018'],
    anonymousIds: ['anon-ada-1'],
    contactIds: ['101'],
    companyIds: ['201'],
  });
  assert.deepEqual(contactRecord(bob, m).emails, ['bob@example.com']);
  assert.deepEqual(
    contactChanges(bob, m).map((r) => [r.stage, r.milestone]),
    [['lead', 'lead']],
  );
  // a custom stage with no date: dated by the snapshot, keyed without a time (a re-fetch is the same record)
  const [custom] = contactChanges(cy, m);
  assert.deepEqual(
    [custom!.stage, custom!.milestone, custom!.timeSource, custom!.key],
    ['1234567', null, 'snapshot', 'hubspot:contact:103:lifecyclestage:1234567:snapshot'],
  );
  const later = { ...cy, updatedAt: '2026-04-01T00:00:00.000Z' };
  assert.equal(contactChanges(later, m)[0]!.key, custom!.key);
  assert.equal(
    contactChanges(cy, resolveHubSpotMapping({ lifecycleStages: { '1234567': 'sql' } }))[0]!
      .milestone,
    'sql',
  );
  const record = contactRecord(ada, m);
  assert.deepEqual(
    [record.lifecycleStage, record.milestone, record.anonymousId, record.analyticsSource.source],
    ['customer', 'customer', 'anon-ada-1', 'PAID_SEARCH'],
  );
  assert.deepEqual(companyRecord(parseObjectPage(hubspotFixture('companies.page1')).results[0]!), {
    id: '201',
    name: 'Acme',
    domain: 'acme.example',
    createdAt: Date.parse('2026-01-05T09:31:00.000Z'),
    archived: false,
  });
});

test("a contact's lifecyclestage history, when asked for, dates each change; the date properties date the rest", () => {
  const ada = contacts()[0]!;
  ada.propertiesWithHistory = {
    lifecyclestage: [
      { value: 'customer', timestamp: '2026-02-14T10:00:05.000Z', sourceType: 'CRM_UI' },
      { value: 'customer', timestamp: '2026-02-10T00:00:00.000Z', sourceType: 'IMPORT' },
      { value: 'opportunity', timestamp: '2026-01-25T00:00:00.000Z', sourceType: 'CRM_UI' },
      { value: 'lead', timestamp: '2026-01-05T09:30:00.000Z', sourceType: 'FORM' },
    ],
  };
  const records = contactChanges(ada, resolveHubSpotMapping());
  // the repeated "customer" is no change (it became one on 10 February, whatever the date property
  // says); the stages the history does not list are dated by their date properties
  assert.deepEqual(
    records.map((r) => [day(r), r.stage, r.timeSource]),
    [
      ['2026-01-05T09:30', 'lead', 'history'],
      ['2026-01-12T14:00', 'marketingqualifiedlead', 'stage_date'],
      ['2026-01-20T11:15', 'salesqualifiedlead', 'stage_date'],
      ['2026-01-25T00:00', 'opportunity', 'history'],
      ['2026-02-10T00:00', 'customer', 'history'],
    ],
  );
  // the same moment from either source is the same record
  assert.equal(records[0]!.key, contactChanges(contacts()[0]!, resolveHubSpotMapping())[0]!.key);
});

test('a deal gives each stage it entered, with outcome, amount in its currency, lost reason and contacts', () => {
  const m = resolveHubSpotMapping({}, pipelines());
  const [won, lost, renewal] = deals() as [HubSpotCrmObject, HubSpotCrmObject, HubSpotCrmObject];
  const wonRecords = dealChanges(won, m, { portalId: '48975575', contactIds: ['101'] });
  assert.deepEqual(
    wonRecords.map((r) => [day(r), r.stage, r.outcome, r.milestone, r.amount, r.lostReason]),
    [
      [
        '2026-01-25T00:00',
        'qualifiedtobuy',
        'open',
        'opportunity',
        { minor: 1200050, currency: 'eur' },
        null,
      ],
      [
        '2026-02-01T15:20',
        'contractsent',
        'open',
        'opportunity',
        { minor: 1200050, currency: 'eur' },
        null,
      ],
      [
        '2026-02-14T10:00',
        'closedwon',
        'won',
        'customer',
        { minor: 1200050, currency: 'eur' },
        null,
      ],
    ],
  );
  assert.ok(wonRecords.every((r) => r.pipeline === 'default' && r.timeSource === 'history'));
  assert.deepEqual(wonRecords[0]!.match.contactIds, ['101']);
  assert.equal(
    wonRecords[2]!.key,
    `hubspot:deal:4500:dealstage:closedwon:${Date.parse('2026-02-14T10:00:00Z')}`,
  );
  const lostRecords = dealChanges(lost, m, { contactIds: ['102'] });
  assert.deepEqual(
    lostRecords.map((r) => [r.stage, r.outcome, r.milestone, r.amount?.minor, r.lostReason]),
    [
      ['appointmentscheduled', 'open', 'opportunity', 500000, null],
      ['presentationscheduled', 'open', 'opportunity', 500000, null],
      ['closedlost', 'lost', null, 500000, 'Went with a competitor'],
    ],
  );
  const lostNow = dealRecord(lost, m, ['102']);
  assert.deepEqual(
    [lostNow.outcome, lostNow.milestone, lostNow.lostReason, lostNow.closedAt],
    ['lost', null, 'Went with a competitor', Date.parse('2026-03-02T09:00:00.000Z')],
  );
  // a custom pipeline, no amount (HubSpot sends "") and no currency
  const issues: MappingIssue[] = [];
  const [open] = dealChanges(renewal, m, { issues });
  assert.deepEqual(
    [open!.pipeline, open!.stage, open!.outcome, open!.milestone, open!.amount],
    ['12345678', '98765432', 'open', 'opportunity', null],
  );
  assert.deepEqual(issues, []);
  // an amount without a currency is reported and left out, unless the workspace names the currency
  const priced = { ...renewal, properties: { ...renewal.properties, amount: '900' } };
  const noCurrency: MappingIssue[] = [];
  dealChanges(priced, m, { issues: noCurrency });
  assert.match(noCurrency[0]?.message ?? '', /amount 900 has no currency/);
  assert.deepEqual(
    dealRecord(priced, resolveHubSpotMapping({ currency: 'GBP' }, pipelines())).amount,
    { minor: 90000, currency: 'gbp' },
  );
});

test('a deal without history is dated by hs_date_entered_<stage>, else by its snapshot; the same change has the same key from every path', () => {
  const m = resolveHubSpotMapping();
  const won = deals()[0]!;
  // a re-fetch of the same deal gives the same records (its history is the same)
  assert.deepEqual(
    dealChanges(won, m).map((r) => r.key),
    dealChanges(structuredClone(won), m).map((r) => r.key),
  );
  const bare: HubSpotCrmObject = { ...won, propertiesWithHistory: undefined };
  const [snap] = dealChanges(bare, m);
  assert.deepEqual(
    [snap!.stage, snap!.timeSource, snap!.key],
    ['closedwon', 'snapshot', 'hubspot:deal:4500:dealstage:closedwon:snapshot'],
  );
  const entered = {
    ...bare,
    properties: { ...bare.properties, hs_date_entered_closedwon: '2026-02-14T10:00:00.000Z' },
  };
  const [dated] = dealChanges(entered, m);
  assert.equal(dated!.timeSource, 'stage_date');
  assert.equal(dated!.key, dealChanges(won, m)[2]!.key); // the history's record of that moment
  // an unknown stage with no verdict: counted as open and reported
  const issues: MappingIssue[] = [];
  const odd = {
    ...bare,
    properties: {
      ...bare.properties,
      pipeline: '555',
      dealstage: '777',
      hs_is_closed: null,
      hs_is_closed_won: null,
    },
  };
  assert.equal(dealRecord(odd, m, [], issues).outcome, 'open');
  assert.match(issues[0]!.message, /stage 777 of pipeline 555 is not mapped: counted as open/);
  // an archived deal adds its deletion
  const gone = { ...won, archived: true, archivedAt: '2026-03-10T00:00:00.000Z' };
  const last = dealChanges(gone, m).at(-1)!;
  assert.deepEqual(
    [last.change, last.key, last.stage],
    ['deleted', `hubspot:deal:4500:deleted:${Date.parse('2026-03-10T00:00:00Z')}`, null],
  );
});

test('webhook events give deletions and merges on their own; stage changes wait for the re-fetch', () => {
  const records = webhookChanges(parseWebhookBody(hubspotFixture('webhook.batch')));
  assert.deepEqual(
    records.map((r) => [r.objectType, r.objectId, r.change, r.mergedInto, r.timeSource, r.account]),
    [
      ['contact', '109', 'merged', '101', 'event', '48975575'],
      ['deal', '4599', 'deleted', null, 'event', '48975575'],
    ],
  );
  assert.deepEqual(
    records.map((r) => r.key),
    ['hubspot:contact:109:merged:101', 'hubspot:deal:4599:deleted:1772450000000'],
  );
});
