import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activityChanges, personChanges } from './person-changes.js';
import { dealChanges, type MappingIssue } from './deal-changes.js';
import { dealRecord } from './deal-record.js';
import {
  resolvePipedriveMapping,
  undefinedMilestones,
  PipedriveMappingError,
  type PipedriveMapping,
} from './mapping.js';
import { webhookChanges } from './webhook-changes.js';
import {
  parseChangelogEntry,
  parseEntity,
  type PipedriveDeal,
  type PipedrivePerson,
} from './schemas.js';
import { parseWebhookBody } from './webhook-schemas.js';
import { pipedriveFixture, type PipedriveFixture } from '../../test-helpers/pipedrive-fixtures.js';
import type { CrmChangeRecord } from '../crm/records.js';

const list = (name: PipedriveFixture) => pipedriveFixture<{ data: unknown[] }>(name).data;
const pipelines = list('api.v2.pipelines').map((p) => parseEntity('pipeline', p));
const stages = [...list('api.v2.stages.page1'), ...list('api.v2.stages.page2')].map((s) =>
  parseEntity('stage', s),
);
const deals = [...list('api.v2.deals.page1'), ...list('api.v2.deals.page2')].map((d) =>
  parseEntity('deal', d),
);
const persons = [...list('api.v2.persons.page1'), ...list('api.v2.persons.page2')].map((p) =>
  parseEntity('person', p),
);
const changelog = (id: string) =>
  (id === '4500'
    ? [...list('api.v1.changelog.4500.page1'), ...list('api.v1.changelog.4500.page2')]
    : list(`api.v1.changelog.${id}` as PipedriveFixture)
  )
    .map((e) => parseChangelogEntry(e))
    .reverse(); // oldest first, as the client hands them on
const deal = (id: string) => deals.find((d) => d.id === id) as PipedriveDeal;
const person = (id: string) => persons.find((p) => p.id === id) as PipedrivePerson;
const ms = (iso: string) => Date.parse(iso);
const row = (r: CrmChangeRecord) => [
  r.key,
  r.change,
  r.stage,
  r.pipeline,
  r.outcome,
  r.milestone,
  r.amount ? `${r.amount.minor} ${r.amount.currency}` : null,
  r.lostReason,
  r.timeSource,
];
const defaults = () => resolvePipedriveMapping({}, { pipelines, stages });
const webhook = (name: PipedriveFixture, mapping: PipedriveMapping) =>
  webhookChanges(parseWebhookBody(pipedriveFixture(name)), mapping);

test('a backfilled deal with its changelog: the stage it was created in, each move, and the win', () => {
  const records = dealChanges(deal('4500'), defaults(), {
    changelog: changelog('4500'),
    companyId: '7003001',
  });
  assert.deepEqual(records.map(row), [
    [
      `pipedrive:deal:4500:stage:1:${ms('2026-01-25T10:00:00Z')}`,
      'deal_stage',
      '1',
      '1',
      'open',
      'opportunity',
      '1200050 eur',
      null,
      'stage_date',
    ],
    [
      `pipedrive:deal:4500:stage:3:${ms('2026-02-01T09:00:00Z')}`,
      'deal_stage',
      '3',
      '1',
      'open',
      'opportunity',
      '1200050 eur',
      null,
      'history',
    ],
    [
      `pipedrive:deal:4500:status:won:${ms('2026-02-14T11:00:00Z')}`,
      'deal_stage',
      '3',
      '1',
      'won',
      'customer',
      '1200050 eur',
      null,
      'history',
    ],
  ]);
  assert.deepEqual(records[0]!.match.contactIds, ['101']);
  assert.deepEqual(records[0]!.match.companyIds, ['201']);
  assert.equal(records[0]!.account, '7003001');

  const lost = dealChanges(deal('4501'), defaults(), { changelog: changelog('4501') });
  assert.deepEqual(
    lost.map((r) => [r.stage, r.outcome, r.milestone, r.lostReason, r.occurredAt]),
    [
      ['1', 'open', 'opportunity', null, ms('2026-02-03T13:00:00Z')],
      ['2', 'open', 'opportunity', null, ms('2026-02-09T10:00:00Z')],
      ['4', 'open', 'opportunity', null, ms('2026-02-20T16:30:00Z')],
      ['4', 'lost', null, 'Went with a competitor', ms('2026-03-02T10:00:00Z')],
    ],
  );
  // an empty changelog: the deal as it is, dated by add_time; no value, no amount
  const open = dealChanges(deal('4502'), defaults(), { changelog: changelog('4502') });
  assert.deepEqual(open.map(row), [
    [
      `pipedrive:deal:4502:stage:6:${ms('2026-02-12T12:00:00Z')}`,
      'deal_stage',
      '6',
      '2',
      'open',
      'opportunity',
      null,
      null,
      'stage_date',
    ],
  ]);
});

test('without a changelog a deal is dated by its own times: creation, stage_change_time, won_time', () => {
  const records = dealChanges(deal('4500'), defaults());
  assert.deepEqual(
    records.map((r) => [r.key, r.timeSource]),
    [
      // the stage it was created in is not known: keyed as created
      [`pipedrive:deal:4500:created:${ms('2026-01-25T10:00:00Z')}`, 'stage_date'],
      [`pipedrive:deal:4500:stage:3:${ms('2026-02-01T09:00:00Z')}`, 'stage_date'],
      [`pipedrive:deal:4500:status:won:${ms('2026-02-14T11:00:00Z')}`, 'stage_date'],
    ],
  );
  assert.equal(records[0]!.milestone, 'opportunity');
  // the v1 API's deal (other time format, linked objects) gives the same records
  const v1 = parseEntity('deal', list('api.v1.deals.page1')[0]);
  assert.deepEqual(dealChanges(v1, defaults()).map(row), records.map(row));
});

test('webhooks give the same keys as the backfill, so a change seen both ways is one record', () => {
  const mapping = defaults();
  const backfill = new Set(
    ['4500', '4501'].flatMap((id) =>
      dealChanges(deal(id), mapping, { changelog: changelog(id) }).map((r) => r.key),
    ),
  );
  const created = webhook('webhook.v2.deal.create', mapping);
  const moved = webhook('webhook.v2.deal.change-stage', mapping);
  const won = webhook('webhook.v2.deal.change-won', mapping);
  const lostV1 = webhook('webhook.v1.deal.updated', mapping);
  assert.deepEqual(
    [...created, ...moved, ...won, ...lostV1].map((r) => [
      r.key,
      r.outcome,
      r.milestone,
      r.timeSource,
    ]),
    [
      [
        `pipedrive:deal:4500:stage:1:${ms('2026-01-25T10:00:00Z')}`,
        'open',
        'opportunity',
        'stage_date',
      ],
      [
        `pipedrive:deal:4500:stage:3:${ms('2026-02-01T09:00:00Z')}`,
        'open',
        'opportunity',
        'stage_date',
      ],
      [
        `pipedrive:deal:4500:status:won:${ms('2026-02-14T11:00:00Z')}`,
        'won',
        'customer',
        'stage_date',
      ],
      [`pipedrive:deal:4501:status:lost:${ms('2026-03-02T10:00:00Z')}`, 'lost', null, 'stage_date'],
    ],
  );
  for (const r of [...created, ...moved, ...won, ...lostV1]) assert.ok(backfill.has(r.key), r.key);
  assert.equal(lostV1[0]!.lostReason, 'Went with a competitor');
  assert.equal(won[0]!.account, '7003001');
  // a webhook without the deal's own times is dated by meta.timestamp
  const body = pipedriveFixture<{ data: Record<string, unknown> }>('webhook.v2.deal.change-stage');
  body.data.stage_change_time = null;
  const [undated] = webhookChanges(parseWebhookBody(body), mapping);
  assert.equal(undated!.timeSource, 'event');
  assert.equal(undated!.occurredAt, ms('2026-02-01T09:00:00Z'));
});

test('deletes and merges: the merged-away deal names the survivor; a redelivery is the same record', () => {
  const mapping = defaults();
  const [merged] = webhook('webhook.v2.deal.delete-merged', mapping);
  assert.deepEqual(
    [merged!.key, merged!.change, merged!.mergedInto, merged!.objectType],
    ['pipedrive:deal:4503:merged:4500', 'merged', '4500', 'deal'],
  );
  const body = pipedriveFixture<{ meta: Record<string, unknown> }>('webhook.v2.deal.delete-merged');
  delete body.meta.merged_to_id;
  body.meta.attempt = 3;
  body.meta.timestamp = '2026-03-05T12:00:07Z';
  const [plain] = webhookChanges(parseWebhookBody(body), mapping);
  assert.equal(plain!.key, 'pipedrive:deal:4503:deleted');
  // the same delete delivered again later (a retry) is the same record
  body.meta.timestamp = '2026-03-05T12:02:37Z';
  assert.equal(webhookChanges(parseWebhookBody(body), mapping)[0]!.key, plain!.key);
  // a change that is part of a merge marks the merged one
  const change = pipedriveFixture<{ meta: Record<string, unknown> }>('webhook.v2.deal.change-won');
  change.meta.merged_from_id = '4503';
  const records = webhookChanges(parseWebhookBody(change), mapping);
  assert.deepEqual(records.map((r) => r.key).sort(), [
    `pipedrive:deal:4500:status:won:${ms('2026-02-14T11:00:00Z')}`,
    'pipedrive:deal:4503:merged:4500',
  ]);
});

test('persons are leads when added, matched by every e-mail (lower case), phone and the anonymous id field', () => {
  const mapping = resolvePipedriveMapping(
    { anonymousIdField: '9f2a1c0b7e6d5a4f3e2d1c0b9a8f7e6d5c4b3a21' },
    { pipelines, stages },
  );
  const [ada] = personChanges(person('101'), mapping, { companyId: '7003001' });
  assert.deepEqual(
    [ada!.key, ada!.change, ada!.stage, ada!.milestone, ada!.objectType, ada!.timeSource],
    [
      `pipedrive:contact:101:added:${ms('2026-01-05T09:30:00Z')}`,
      'lifecycle_stage',
      'person',
      'lead',
      'contact',
      'stage_date',
    ],
  );
  assert.deepEqual(ada!.match, {
    emails: ['ada@example.com', 'ada.l@home.example'],
    phones: ['+44 20 7946 0001'],
    anonymousIds: ['anon-ada-7f3e'],
    contactIds: ['101'],
    companyIds: ['201'],
  });
  // a person added through a v1 webhook is the same record as the backfilled one
  const [grace] = webhook('webhook.v1.person.added', mapping);
  assert.equal(grace!.key, personChanges(person('102'), mapping)[0]!.key);
  assert.deepEqual(grace!.match.emails, ['grace@example.org']);
  assert.deepEqual(grace!.match.phones, []); // an empty phone entry is no phone
  const [alan] = webhook('webhook.v2.person.create', mapping);
  assert.equal(alan!.key, personChanges(person('103'), mapping)[0]!.key);
  // a workspace that does not count CRM persons as leads
  const none = resolvePipedriveMapping({ personMilestone: null });
  assert.equal(personChanges(person('101'), none)[0]!.milestone, null);
});

test('an activity counts only when the workspace maps its type: a meeting booked', () => {
  const activity = parseWebhookBody(pipedriveFixture('webhook.v2.activity.create'));
  assert.deepEqual(webhookChanges(activity, defaults()), []);
  const mapping = resolvePipedriveMapping({ activityTypes: { meeting: 'meeting_booked' } });
  const [meeting] = webhookChanges(activity, mapping);
  assert.deepEqual(
    [
      meeting!.key,
      meeting!.change,
      meeting!.objectType,
      meeting!.stage,
      meeting!.milestone,
      meeting!.match.contactIds,
    ],
    [
      `pipedrive:activity:7001:meeting:${ms('2026-01-28T16:02:11Z')}`,
      'activity',
      'activity',
      'meeting',
      'meeting_booked',
      ['101'],
    ],
  );
  const data = activity.entity === 'activity' ? activity.data : null;
  assert.deepEqual(
    activityChanges(parseEntity('activity', { ...data, type: 'call' }), mapping),
    [],
  );
  assert.deepEqual(undefinedMilestones(mapping), [
    'activityTypes.meeting: "meeting_booked" is not a milestone of the funnel (lead, mql, sql, opportunity, customer)',
  ]);
  assert.deepEqual(
    undefinedMilestones(mapping, ['lead', 'meeting_booked', 'opportunity', 'customer']),
    [],
  );
});

test('stage rules by pipeline and stage, named by id or name, override the defaults', () => {
  const mapping = resolvePipedriveMapping(
    {
      dealStages: {
        Sales: { 'demo scheduled': 'meeting_booked', '1': 'sql' },
        '*': { Intro: 'mql' },
        Nowhere: { x: 'sql' },
      },
      wonDealMilestone: 'customer',
      lostDealMilestone: 'lost_deal',
    },
    { pipelines, stages },
  );
  const records = dealChanges(deal('4500'), mapping, { changelog: changelog('4500') });
  assert.deepEqual(
    records.map((r) => [r.stage, r.milestone]),
    [
      ['1', 'sql'],
      ['3', 'meeting_booked'],
      ['3', 'customer'],
    ],
  );
  assert.equal(dealChanges(deal('4502'), mapping)[0]!.milestone, 'mql');
  assert.equal(dealRecord(deal('4501'), mapping).milestone, 'lost_deal');
  assert.deepEqual(mapping.unresolved, ['dealStages.Nowhere: no pipeline has this id or name']);
  // before the account's stages are known, a rule applies by the stage's id
  const early = resolvePipedriveMapping({ dealStages: { '*': { '6': 'sql' } } });
  assert.equal(dealChanges(deal('4502'), early)[0]!.milestone, 'sql');
});

test('settings of the wrong shape are refused naming the field', () => {
  for (const [settings, path] of [
    [{ dealStages: { Sales: { Qualified: 'Not A Name' } } }, 'dealStages.Sales.Qualified'],
    [{ currency: 'euro' }, 'currency'],
    [{ stages: {} }, '(root)'],
    [{ personMilestone: 3 }, 'personMilestone'],
  ] as const) {
    assert.throws(
      () => resolvePipedriveMapping(settings),
      (err: unknown) => err instanceof PipedriveMappingError && err.path === path,
      path,
    );
  }
});

test('the flat deal record: outcome, milestone, amount in minor units, lost reason, stage name', () => {
  const issues: MappingIssue[] = [];
  const won = dealRecord(deal('4500'), defaults(), issues);
  assert.deepEqual(
    [won.outcome, won.milestone, won.amount, won.stageName, won.closedAt, won.deleted],
    [
      'won',
      'customer',
      { minor: 1200050, currency: 'eur' },
      'Demo Scheduled',
      ms('2026-02-14T11:00:00Z'),
      false,
    ],
  );
  const lost = dealRecord(deal('4501'), defaults());
  assert.deepEqual(
    [lost.outcome, lost.milestone, lost.lostReason],
    ['lost', null, 'Went with a competitor'],
  );
  const noCurrency = parseEntity('deal', { id: 9, value: 10, currency: null, status: 'open' });
  assert.equal(dealRecord(noCurrency, defaults(), issues).amount, null);
  assert.deepEqual(
    issues.map((i) => i.message),
    ['value 10 has no currency'],
  );
  assert.deepEqual(dealRecord(noCurrency, resolvePipedriveMapping({ currency: 'USD' })).amount, {
    minor: 1000,
    currency: 'usd',
  });
});

test('webhook events in any order and with redeliveries give the same set of records', () => {
  const mapping = defaults();
  const names: PipedriveFixture[] = [
    'webhook.v2.deal.create',
    'webhook.v2.deal.change-stage',
    'webhook.v2.deal.change-won',
    'webhook.v2.deal.delete-merged',
    'webhook.v2.person.create',
    'webhook.v1.deal.updated',
    'webhook.v1.person.added',
  ];
  const events = names.map((n) => parseWebhookBody(pipedriveFixture(n)));
  const keysOf = (order: number[]) => {
    const store = new Map<string, CrmChangeRecord>();
    for (const i of order) for (const r of webhookChanges(events[i]!, mapping)) store.set(r.key, r);
    return JSON.stringify([...store.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const expected = keysOf(events.map((_, i) => i));
  const all = events.map((_, i) => i);
  fc.assert(
    fc.property(
      fc.shuffledSubarray(all, { minLength: all.length }),
      fc.array(fc.nat({ max: all.length - 1 }), { maxLength: 30 }),
      // every event at least once, in any order, with redeliveries mixed in anywhere
      (order, redelivered) =>
        keysOf([...redelivered, ...order, ...redelivered.reverse()]) === expected,
    ),
    { numRuns: 200 },
  );
});
