import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  foldWebhookEvents,
  objectsToRefetch,
  stateAsObject,
  type WebhookObjectState,
} from './webhook-state.js';
import { parseWebhookBody, type HubSpotWebhookEvent } from './webhook-schemas.js';
import { dealRecord } from './deal-changes.js';
import { resolveHubSpotMapping } from './mapping.js';
import { hubspotFixture } from '../../test-helpers/hubspot-fixtures.js';

// a longer search when asked (e.g. HUBSPOT_PROPERTY_RUNS=500 HUBSPOT_PROPERTY_SEED=7)
const RUNS = {
  numRuns: Number(process.env.HUBSPOT_PROPERTY_RUNS ?? 30),
  seed: Number(process.env.HUBSPOT_PROPERTY_SEED ?? 15),
  // shrinking a thousand events takes minutes: a failure is reported as found (with its seed)
  endOnFailure: true,
};

test('the fixture batch leaves each object as its latest events say, and names what to re-fetch', () => {
  const events = parseWebhookBody(hubspotFixture('webhook.batch'));
  const states = foldWebhookEvents(events);
  const deal = states.get('deal:4500')!;
  assert.deepEqual(
    Object.fromEntries(Object.entries(deal.properties).map(([k, v]) => [k, v.value])),
    { dealstage: 'closedwon', amount: '12000.50' },
  );
  assert.equal(deal.exists?.value, true);
  assert.equal(states.get('deal:4501')!.properties.dealstage?.value, 'closedlost');
  assert.equal(states.get('deal:4501')!.associations['contact:102']?.value, true);
  assert.equal(states.get('deal:4599')!.exists?.value, false);
  assert.equal(states.get('contact:109')!.mergedInto?.value, '101');
  assert.equal(states.has('conversation:31000'), false);
  // deleted and merged-away objects are not re-fetched; the rest are, once each
  assert.deepEqual(objectsToRefetch([...events, ...events]), [
    { objectType: 'contact', objectId: '101' },
    { objectType: 'deal', objectId: '4500' },
    { objectType: 'deal', objectId: '4501' },
  ]);
  // the state reads as a snapshot when no re-fetch can be made
  const snapshot = stateAsObject(deal);
  assert.equal(snapshot.properties.dealstage, 'closedwon');
  const record = dealRecord(snapshot, resolveHubSpotMapping());
  assert.deepEqual([record.outcome, record.milestone], ['won', 'customer']);
});

test('at equal times the higher eventId wins; a redelivery (same eventId, later attempt) changes nothing', () => {
  const base = {
    portalId: 48975575,
    subscriptionType: 'deal.propertyChange',
    objectId: 7,
    propertyName: 'dealstage',
    attemptNumber: 0,
  };
  const events = parseWebhookBody([
    { ...base, eventId: 9, occurredAt: 1000, propertyValue: 'contractsent' },
    { ...base, eventId: 10, occurredAt: 1000, propertyValue: 'closedwon' },
    { ...base, eventId: 10, occurredAt: 1000, propertyValue: 'closedwon', attemptNumber: 3 },
    { ...base, eventId: 1, occurredAt: 999, propertyValue: 'closedlost' },
  ]);
  for (const order of [events, [...events].reverse()]) {
    assert.equal(foldWebhookEvents(order).get('deal:7')!.properties.dealstage?.value, 'closedwon');
  }
  // ids compare as numbers, not as text ("10" > "9")
  const longIds = parseWebhookBody([
    { ...base, eventId: '99999999999999999999', occurredAt: 5, propertyValue: 'a' },
    { ...base, eventId: '100000000000000000000', occurredAt: 5, propertyValue: 'b' },
  ]);
  assert.equal(
    foldWebhookEvents([...longIds].reverse()).get('deal:7')!.properties.dealstage?.value,
    'b',
  );
});

const DEALS = ['4500', '4501', '4502', '4503', '4504'];
const PROPERTIES: Record<string, string[]> = {
  dealstage: ['appointmentscheduled', 'qualifiedtobuy', 'contractsent', 'closedwon', 'closedlost'],
  amount: ['100', '2500.50', '99000', ''],
  closed_lost_reason: ['Price', 'Timing', ''],
  pipeline: ['default'],
  deal_currency_code: ['USD', 'EUR'],
};
const T0 = Date.UTC(2026, 2, 1);

type RawEvent = Record<string, unknown>;

/** A raw deal event; times fall on 40 seconds, so many events share one and ties are common. */
const eventArb: fc.Arbitrary<RawEvent> = fc
  .record({
    deal: fc.constantFrom(...DEALS),
    kind: fc.constantFrom(
      'propertyChange',
      'propertyChange',
      'propertyChange',
      'propertyChange',
      'creation',
      'deletion',
      'restore',
    ),
    property: fc.constantFrom(...Object.keys(PROPERTIES)),
    pick: fc.nat(),
    second: fc.integer({ min: 0, max: 39 }),
  })
  .map(({ deal, kind, property, pick, second }) => {
    const values = PROPERTIES[property]!;
    return {
      portalId: 48975575,
      subscriptionId: 6547100,
      appId: 39522895,
      occurredAt: T0 + second * 1000,
      subscriptionType: `deal.${kind}`,
      attemptNumber: 0,
      objectId: Number(deal),
      ...(kind === 'propertyChange'
        ? { propertyName: property, propertyValue: values[pick % values.length] }
        : {}),
    };
  });

/** 1,000 events: distinct ones, then HubSpot's redeliveries of some (same eventId, later attempt). */
const batchArb = fc
  .tuple(
    fc.array(eventArb, { minLength: 900, maxLength: 900 }),
    fc.array(fc.nat({ max: 899 }), { minLength: 100, maxLength: 100 }),
  )
  .map(([distinct, redelivered]) => {
    // event ids as HubSpot issues them: unique, unrelated to the order of occurrence
    const withIds = distinct.map((e, i) => ({ ...e, eventId: 3_000_000_000 + ((i * 7919) % 900) }));
    return [
      ...withIds,
      ...redelivered.map((i) => ({ ...withIds[i]!, attemptNumber: 1 + (i % 4) })),
    ];
  });

/** The events in HubSpot's batches of at most 100, as the receiver parses them. */
function parseInBatches(raw: RawEvent[]): HubSpotWebhookEvent[] {
  const out: HubSpotWebhookEvent[] = [];
  for (let i = 0; i < raw.length; i += 100) out.push(...parseWebhookBody(raw.slice(i, i + 100)));
  return out;
}

/** The reference: every event applied in (occurredAt, eventId) order, the last write winning. */
function replayInOrder(events: HubSpotWebhookEvent[]) {
  const sorted = [...events].sort(
    (a, b) => a.occurredAt - b.occurredAt || Number(BigInt(a.eventId) - BigInt(b.eventId)),
  );
  const deals = new Map<
    string,
    { properties: Record<string, string | null>; exists: boolean | null }
  >();
  for (const e of sorted) {
    if (e.action === 'other' || e.action === 'merge' || e.action === 'associationChange') continue;
    const d = deals.get(e.objectId) ?? { properties: {}, exists: null };
    deals.set(e.objectId, d);
    if (e.action === 'propertyChange') d.properties[e.propertyName] = e.propertyValue;
    else d.exists = e.action === 'creation' || e.action === 'restore';
  }
  return deals;
}

function finalState(states: Map<string, WebhookObjectState>) {
  const mapping = resolveHubSpotMapping();
  return DEALS.filter((id) => states.has(`deal:${id}`)).map((id) => {
    const s = states.get(`deal:${id}`)!;
    const record = dealRecord(stateAsObject(s), mapping);
    return {
      id,
      properties: Object.fromEntries(
        Object.entries(s.properties)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [k, v.value]),
      ),
      exists: s.exists?.value ?? null,
      deal: [record.stage, record.outcome, record.milestone, record.amount, record.lostReason],
    };
  });
}

test('1,000 webhook events replayed in any order, in any batches, give the same final deal state', () => {
  fc.assert(
    fc.property(
      batchArb.chain((raw) =>
        fc.tuple(
          fc.constant(raw),
          fc.shuffledSubarray(raw, { minLength: raw.length, maxLength: raw.length }),
          fc.integer({ min: 1, max: 999 }),
        ),
      ),
      ([raw, shuffled, split]) => {
        const inOrder = parseInBatches(raw);
        const reordered = parseInBatches(shuffled);
        assert.equal(reordered.length, 1000);
        const expected = finalState(foldWebhookEvents(inOrder));
        // any order
        assert.deepEqual(finalState(foldWebhookEvents(reordered)), expected);
        // folded as it arrives, in two deliveries, into the state kept between them
        const kept = foldWebhookEvents(reordered.slice(0, split));
        foldWebhookEvents(reordered.slice(split), kept);
        assert.deepEqual(finalState(kept), expected);
        // equal to applying them one by one in time order (ties by eventId), the last write winning
        const reference = replayInOrder(reordered);
        assert.deepEqual(
          expected.map((d) => ({ id: d.id, properties: d.properties, exists: d.exists })),
          DEALS.filter((id) => reference.has(id)).map((id) => {
            const r = reference.get(id)!;
            return {
              id,
              properties: Object.fromEntries(
                Object.entries(r.properties).sort(([a], [b]) => (a < b ? -1 : 1)),
              ),
              exists: r.exists,
            };
          }),
        );
      },
    ),
    RUNS,
  );
});
