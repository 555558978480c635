import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brief, ms } from '../../test-helpers/crm-record-brief.js';

import { importCrmFile, readCrmImport } from './read.js';

test('contacts: a lead when created, then each stage with its milestone; matched by e-mail, phone, anonymous id', async () => {
  const csv = [
    'record_id,contact_email,contact_phone,anonymous_id,created_at,stage,stage_changed_at,utm_source,gclid',
    '101,Ada@Example.com,+44 20 7946 0001,anon-ada,2026-01-05T09:30:00Z,Marketing Qualified Lead,2026-01-12T10:00:00Z,google,EAIaIQ',
    ',grace@example.org,,,2026-02-01,,,,',
  ].join('\n');
  const s = await importCrmFile(csv, { type: 'contacts' });
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.changes.map(brief), [
    [
      `csv:contact:101:created:${ms('2026-01-05T09:30:00Z')}`,
      'contact',
      'lifecycle_stage',
      null,
      null,
      'lead',
      null,
      null,
    ],
    [
      `csv:contact:101:stage:marketing_qualified_lead:${ms('2026-01-12T10:00:00Z')}`,
      'contact',
      'lifecycle_stage',
      'Marketing Qualified Lead',
      null,
      'mql',
      null,
      null,
    ],
    // no id: known by its e-mail
    [
      `csv:contact:email:grace@example.org:created:${ms('2026-02-01T00:00:00Z')}`,
      'contact',
      'lifecycle_stage',
      null,
      null,
      'lead',
      null,
      null,
    ],
  ]);
  assert.deepEqual(s.changes[0]!.match, {
    emails: ['ada@example.com'],
    phones: ['+44 20 7946 0001'],
    anonymousIds: ['anon-ada'],
    contactIds: ['101'],
    companyIds: [],
  });
  assert.equal(s.changes[0]!.source, 'csv');
  const rows: unknown[] = [];
  for await (const item of readCrmImport(csv, { type: 'contacts' }))
    if (item.kind === 'row') rows.push(item.source);
  assert.deepEqual(rows[0], {
    leadSource: null,
    utmSource: 'google',
    utmMedium: null,
    utmCampaign: null,
    gclid: 'EAIaIQ',
    fbclid: null,
    msclkid: null,
  });
  assert.equal(rows[1], null);
});

test('deals: created, the stage it is in, and won or lost with the amount and lost reason', async () => {
  const csv = [
    'record_id,contact_email,pipeline,stage,created_at,stage_changed_at,status,closed_at,amount,currency,lost_reason',
    '4500,ada@example.com,Sales,Contract Sent,2026-01-25,2026-02-01,won,2026-02-14,"12,000.50",EUR,',
    '4501,grace@example.org,Sales,Proposal,2026-02-03,2026-02-20,lost,2026-03-02,5000,USD,Went with a competitor',
    '4502,alan@example.net,Partners,Intro,2026-02-12,,open,,,GBP,',
    '4503,,Sales,Closed Won,2026-01-02,,,2026-01-20,100,EUR,',
  ].join('\r\n');
  const s = await importCrmFile(csv, { type: 'deals' });
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.changes.map(brief), [
    [
      `csv:deal:4500:created:${ms('2026-01-25T00:00:00Z')}`,
      'deal',
      'deal_stage',
      null,
      'open',
      'opportunity',
      '1200050 eur',
      null,
    ],
    [
      `csv:deal:4500:stage:contract_sent:${ms('2026-02-01T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Contract Sent',
      'open',
      'opportunity',
      '1200050 eur',
      null,
    ],
    [
      `csv:deal:4500:status:won:${ms('2026-02-14T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Contract Sent',
      'won',
      'customer',
      '1200050 eur',
      null,
    ],
    [
      `csv:deal:4501:created:${ms('2026-02-03T00:00:00Z')}`,
      'deal',
      'deal_stage',
      null,
      'open',
      'opportunity',
      '500000 usd',
      null,
    ],
    [
      `csv:deal:4501:stage:proposal:${ms('2026-02-20T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Proposal',
      'open',
      'opportunity',
      '500000 usd',
      null,
    ],
    [
      `csv:deal:4501:status:lost:${ms('2026-03-02T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Proposal',
      'lost',
      null,
      '500000 usd',
      'Went with a competitor',
    ],
    // entered its stage when created: one record
    [
      `csv:deal:4502:stage:intro:${ms('2026-02-12T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Intro',
      'open',
      'opportunity',
      null,
      null,
    ],
    // no status column value: the stage's name says won
    [
      `csv:deal:4503:created:${ms('2026-01-02T00:00:00Z')}`,
      'deal',
      'deal_stage',
      null,
      'open',
      'opportunity',
      '10000 eur',
      null,
    ],
    [
      `csv:deal:4503:status:won:${ms('2026-01-20T00:00:00Z')}`,
      'deal',
      'deal_stage',
      'Closed Won',
      'won',
      'customer',
      '10000 eur',
      null,
    ],
  ]);
  assert.deepEqual(s.changes[0]!.match.emails, ['ada@example.com']);
  assert.equal(s.changes[0]!.pipeline, 'Sales');
  // is_closed/is_won (the proposal of the reference) say the same as status
  const flags = await importCrmFile(
    'record_id,stage,created_at,is_closed,is_won,closed_at,amount,currency\n9,Negotiation,2026-01-01,yes,no,2026-01-09,1,usd\n',
    { type: 'deals' },
  );
  assert.deepEqual(
    flags.changes.map((r) => [r.outcome, r.occurredAt]),
    [
      ['open', ms('2026-01-01T00:00:00Z')],
      ['lost', ms('2026-01-09T00:00:00Z')],
    ],
  );
});

test('stage changes and revenue; the workspace mapping overrides the defaults', async () => {
  const stages = [
    'object,record_id,contact_email,pipeline,stage,stage_changed_at,status',
    'deal,4500,,Sales,Demo booked,2026-01-28 16:00,',
    'deal,4500,,Sales,Contract Sent,2026-02-01,',
    'deal,4500,,Sales,Contract Sent,2026-02-14,won',
    'contact,101,ada@example.com,,SQL,2026-01-20,',
  ].join('\n');
  const settings = {
    dealStages: { Sales: { 'demo booked': { milestone: 'meeting_booked' } } },
    contactStages: { SQL: 'sales_ready' },
  };
  const s = await importCrmFile(stages, { type: 'stages', settings });
  assert.deepEqual(s.errors, []);
  assert.deepEqual(
    s.changes.map((r) => [r.key, r.milestone, r.outcome]),
    [
      [`csv:deal:4500:stage:demo_booked:${ms('2026-01-28T16:00:00Z')}`, 'meeting_booked', 'open'],
      [`csv:deal:4500:stage:contract_sent:${ms('2026-02-01T00:00:00Z')}`, 'opportunity', 'open'],
      [`csv:deal:4500:status:won:${ms('2026-02-14T00:00:00Z')}`, 'customer', 'won'],
      [`csv:contact:101:stage:sql:${ms('2026-01-20T00:00:00Z')}`, 'sales_ready', null],
    ],
  );
  // the same stage change through a deals import has the same key: stored once
  const deal = await importCrmFile(
    'record_id,stage,stage_changed_at\n4500,Contract Sent,2026-02-01\n',
    { type: 'deals' },
  );
  assert.ok(s.changes.some((r) => r.key === deal.changes[0]!.key));

  const revenue = [
    'record_id,contact_email,deal_id,amount,currency,occurred_at,description',
    'ch_1,ada@example.com,4500,"1.234,50",EUR,14.02.2026,Setup fee',
    ',grace@example.org,,(99.00),USD,2026-03-01,Refund',
    ',grace@example.org,,(99.00),USD,2026-03-01,Refund',
  ].join('\n');
  const r = await importCrmFile(revenue, { type: 'revenue' });
  assert.deepEqual(r.errors, []);
  assert.equal(r.revenue.length, 2, 'the repeated row without an id is the same payment');
  assert.deepEqual(
    r.revenue.map((x) => [
      x.key.slice(0, 12),
      x.paymentId,
      x.amount,
      x.occurredAt,
      x.dealId,
      x.description,
      x.match.emails,
    ]),
    [
      [
        'csv:revenue:',
        'ch_1',
        { minor: 123450, currency: 'eur' },
        ms('2026-02-14T00:00:00Z'),
        '4500',
        'Setup fee',
        ['ada@example.com'],
      ],
      [
        'csv:revenue:',
        null,
        { minor: -9900, currency: 'usd' },
        ms('2026-03-01T00:00:00Z'),
        null,
        'Refund',
        ['grace@example.org'],
      ],
    ],
  );
  assert.equal(r.revenue[0]!.key, 'csv:revenue:ch_1');
});
