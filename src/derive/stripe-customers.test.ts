// Stripe customers matched to persons (anonymous id, e-mail, phone, a CRM contact's person; the rest
// kept and counted) on the suite's engine, and what a customer milestone is worth (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MrrMovement } from '../revenue/index.js';
import { backfillFact } from '../sources/stripe/index.js';
import { add, identify, withStore } from '../test-helpers/events.js';
import type { RawEvent } from '../store/types.js';
import { FIXTURE_NAMES, fixtureText } from '../test-helpers/stripe-fixtures.js';
import { deriveAffected, rebuild } from './derive.js';
import { recordStripeReceipts } from './stripe-record.js';
import { matchStripeCustomers } from './stripe-customers.js';
import { earnedRevenue, revenueMilestones } from './stripe-milestones.js';

// in the customer's own currency: every rate is 1
const SAME = { currency: 'USD', rateOf: () => 1 };

const customer = (id: string, fields: Record<string, unknown>) =>
  backfillFact('customers', { id, object: 'customer', metadata: {}, ...fields }, 0);

const phoneCall = (anon: string, at: string, phone: string): RawEvent => ({
  type: 'identify',
  messageId: `phone-${anon}`,
  anonymousId: anon,
  timestamp: at,
  traits: { phone },
});

test('a Stripe customer reaches a person by its e-mail, phone, CRM contact or anonymous id; others are kept unmatched', async () => {
  await withStore(async (store) => {
    await add(store, [
      identify('anon-e', '2026-01-01T00:00:00Z', 'eve@x.io'),
      phoneCall('anon-p', '2026-01-01T00:00:00Z', '+14155550100'),
      identify('anon-c', '2026-01-01T00:00:00Z', 'carl@x.io'),
      identify('anon-a', '2026-01-01T00:00:00Z', 'ann@x.io'),
    ]);
    await rebuild(store, 'w');
    // a CRM contact whose form carried carl's anonymous id
    await store.appendCrmChanges('w', [
      {
        key: 'csv:contact:c9:created',
        source: 'csv',
        account: null,
        objectType: 'contact',
        objectId: 'c9',
        change: 'lifecycle_stage',
        occurredAt: Date.parse('2026-01-02T00:00:00Z'),
        timeSource: 'stage_date',
        stage: null,
        pipeline: null,
        milestone: null,
        outcome: null,
        amount: null,
        lostReason: null,
        mergedInto: null,
        match: {
          emails: [],
          phones: [],
          anonymousIds: ['anon-c'],
          contactIds: ['c9'],
          companyIds: [],
        },
      },
    ]);
    await store.appendStripeFacts('w', [
      customer('cus_E', { email: ' Eve@X.io ' }),
      customer('cus_P', { phone: '+14155550100' }),
      customer('cus_C', { email: 'billing@carlco.io', metadata: { crm_contact_id: 'c9' } }),
      // the anonymous id wins over an e-mail of someone else
      customer('cus_A', { email: 'eve@x.io', metadata: { closedloop_anonymous_id: 'anon-a' } }),
      customer('cus_N', { email: 'nobody@x.io' }),
    ]);
    const person = async (kind: string, value: string) =>
      (await store.personsByIdentifier('w', kind, value))[0] ?? null;
    const matches = await matchStripeCustomers(store, 'w', await store.stripeFacts('w'));
    assert.deepEqual(
      matches.map((m) => [m.customerId, m.matchedBy, m.personId]),
      [
        ['cus_A', 'anonymous_id', await person('anonymous_id', 'anon-a')],
        ['cus_C', 'contact_id', await person('anonymous_id', 'anon-c')],
        ['cus_E', 'email', await person('email', 'eve@x.io')],
        ['cus_N', null, null],
        ['cus_P', 'phone', await person('anonymous_id', 'anon-p')],
      ],
    );
    assert.ok(matches.every((m) => m.customerId === 'cus_N' || m.personId !== null));
  });
});

const move = (
  at: string,
  kind: MrrMovement['kind'],
  amount: number,
  mrrAfter: number,
): MrrMovement => ({
  customerId: 'cus_1',
  currency: 'usd',
  at: Date.parse(at),
  kind,
  amount,
  mrrBefore: mrrAfter - amount,
  mrrAfter,
});

test("a customer milestone is worth its first year's subscription revenue, or all of it so far", () => {
  const moves = [
    move('2025-01-15T00:00:00Z', 'new_business', 10000, 10000),
    move('2025-07-15T00:00:00Z', 'expansion', 5000, 15000),
  ];
  const now = Date.parse('2026-07-01T00:00:00Z');
  // 6 months at $100, 6 at $150
  assert.equal(earnedRevenue(moves, Date.parse('2026-01-15T00:00:00Z')), 6 * 10000 + 6 * 15000);
  const matches = [{ customerId: 'cus_1', personId: 'p1', matchedBy: 'email' }];
  const [firstYear] = revenueMilestones(moves, matches, 'first_year', now, SAME).milestones;
  assert.deepEqual(firstYear, {
    personId: 'p1',
    milestone: 'customer',
    reachedAt: Date.parse('2025-01-15T00:00:00Z'),
    messageId: 'stripe:cus_1',
    value: 1500,
  });
  // 15 January 2025 to 15 June 2026: 18 anniversaries before 1 July 2026
  assert.equal(
    revenueMilestones(moves, matches, 'lifetime', now, SAME).milestones[0]!.value,
    600 + 12 * 150,
  );
  // a first year not yet over counts the months so far
  const early = Date.parse('2025-03-01T00:00:00Z');
  assert.equal(
    revenueMilestones(moves, matches, 'first_year', early, SAME).milestones[0]!.value,
    200,
  );
  // an unmatched customer reaches no one
  assert.deepEqual(
    revenueMilestones(moves, [{ ...matches[0]!, personId: null }], 'lifetime', now, SAME)
      .milestones,
    [],
  );
});

test('a customer no one matched reaches its milestone when its person appears later (live derive)', async () => {
  await withStore(async (store) => {
    await recordStripeReceipts(
      store,
      'w',
      FIXTURE_NAMES.map((name) => ({
        workspaceId: 'w',
        vendor: 'stripe',
        key: name,
        receivedAt: '2026-07-01T00:00:00.000Z',
        contentType: 'application/json',
        body: fixtureText(name),
      })),
    );
    const customers = async () =>
      (await store.attributionInputs('w', 'customer')).conversions.map((c) => c.value);
    assert.deepEqual(await customers(), []);
    // Ada identifies herself on the site by the e-mail of her Stripe customer
    await add(store, [identify('anon-ada', '2026-07-02T00:00:00Z', 'ada@example.com')]);
    await deriveAffected(store, 'w', ['anon-ada']);
    assert.deepEqual(await customers(), [999.6]);
  });
});
