import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebhookBody, parseWebhookEvent } from './webhook-schemas.js';
import { HubSpotPayloadError } from './schemas.js';
import {
  parseAssociationBatch,
  parseAssociationPage,
  parseCrmObject,
  parseObjectPage,
  parsePipelines,
} from './schemas.js';
import { hubspotFixture } from '../../test-helpers/hubspot-fixtures.js';

function payloadError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HubSpotPayloadError, String(err));
    assert.ok(err.message.startsWith(`${err.path}: `), err.message);
    return err.path;
  }
  assert.fail('parsed');
}

type Json = Record<string, unknown>;
const webhookEvents = () => hubspotFixture<Json[]>('webhook.batch');

test('a webhook body is read event by event, by subscription type, ids as decimal strings', () => {
  const events = parseWebhookBody(webhookEvents());
  assert.deepEqual(
    events.map((e) => [e.subscriptionType, e.objectType, e.action]),
    [
      ['deal.creation', 'deal', 'creation'],
      ['deal.propertyChange', 'deal', 'propertyChange'],
      ['deal.propertyChange', 'deal', 'propertyChange'],
      ['contact.propertyChange', 'contact', 'propertyChange'],
      ['contact.merge', 'contact', 'merge'],
      ['deal.associationChange', 'deal', 'associationChange'],
      // a generic subscription names its object by type id: 0-3 is a deal
      ['object.propertyChange', 'deal', 'propertyChange'],
      ['deal.deletion', 'deal', 'deletion'],
      // a type we do not read is kept, marked other
      ['conversation.creation', 'conversation', 'other'],
    ],
  );
  const stage = events[1]!;
  assert.equal(stage.action, 'propertyChange');
  if (stage.action === 'propertyChange') {
    assert.equal(stage.objectId, '4500');
    assert.equal(stage.propertyName, 'dealstage');
    assert.equal(stage.propertyValue, 'closedwon');
    assert.equal(stage.eventId, '2995724042');
    assert.equal(stage.portalId, '48975575');
    assert.equal(stage.occurredAt, 1771063200000);
    assert.equal(stage.changeSource, 'CRM_UI');
  }
  assert.equal(events[2]!.attemptNumber, 2);
  const merge = events[4]!;
  assert.ok(merge.action === 'merge');
  assert.deepEqual(
    [merge.objectId, merge.primaryObjectId, merge.mergedObjectIds],
    ['101', '101', ['109']],
  );
  const association = events[5]!;
  assert.ok(association.action === 'associationChange');
  assert.deepEqual(
    [
      association.fromObjectId,
      association.toObjectId,
      association.toObjectType,
      association.removed,
      association.associationType,
    ],
    ['4501', '102', 'contact', false, 'DEAL_TO_CONTACT'],
  );
});

test('a webhook body that is not an array, too long, or missing a field is refused naming the field', () => {
  assert.equal(
    payloadError(() => parseWebhookBody({ eventId: 1 })),
    '(root)',
  );
  const one = webhookEvents()[1]!;
  assert.equal(parseWebhookBody(Array.from({ length: 100 }, () => one)).length, 100);
  assert.equal(
    payloadError(() => parseWebhookBody(Array.from({ length: 101 }, () => one))),
    '(root)',
  );
  assert.equal(parseWebhookBody([]).length, 0);
  const without = (name: string, event = one) => {
    const e = { ...event };
    delete e[name];
    return e;
  };
  const events = webhookEvents();
  assert.equal(
    payloadError(() => parseWebhookBody([events[0], without('propertyName')])),
    '1.propertyName',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([without('occurredAt')])),
    '0.occurredAt',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([without('eventId')])),
    '0.eventId',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([{ ...one, objectId: 'deal-4500' }])),
    '0.objectId',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([{ ...one, occurredAt: '2026-02-14' }])),
    '0.occurredAt',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([without('mergedObjectIds', events[4])])),
    '0.mergedObjectIds',
  );
  assert.equal(
    payloadError(() => parseWebhookBody([without('associationRemoved', events[5])])),
    '0.associationRemoved',
  );
  // ids as digit strings are read too; a cleared property has an empty value
  const cleared = parseWebhookEvent({ ...one, objectId: '4500', propertyValue: '' });
  assert.ok(cleared.action === 'propertyChange' && cleared.propertyValue === '');
  assert.equal(cleared.action === 'propertyChange' && cleared.objectId, '4500');
});

test('pages of contacts, companies and deals parse, with the cursor of the next page', () => {
  const contacts = parseObjectPage(hubspotFixture('contacts.page1'));
  assert.deepEqual(
    contacts.results.map((c) => c.id),
    ['101', '102'],
  );
  assert.equal(contacts.paging?.next?.after, '103');
  assert.equal(contacts.results[0]!.properties.lifecyclestage, 'customer');
  assert.equal(contacts.results[1]!.properties.lastname, null);
  const last = parseObjectPage(hubspotFixture('contacts.page2'));
  assert.equal(last.paging?.next, undefined);
  assert.equal(parseObjectPage(hubspotFixture('companies.page1')).results.length, 2);

  const deals = parseObjectPage(hubspotFixture('deals.page1'));
  const won = deals.results[0]!;
  assert.equal(won.properties.amount, '12000.50');
  assert.deepEqual(
    won.propertiesWithHistory?.dealstage?.map((h) => [h.value, h.timestamp, h.sourceType]),
    [
      ['closedwon', '2026-02-14T10:00:00.000Z', 'CRM_UI'],
      ['contractsent', '2026-02-01T15:20:00.000Z', 'CRM_UI'],
      ['qualifiedtobuy', '2026-01-25T00:00:00.000Z', 'AUTOMATION_PLATFORM'],
    ],
  );
  assert.equal(deals.paging?.next?.after, '4502');

  // a property value is a string or null: a number is a mistake in the payload
  const bad = hubspotFixture<{ results: Json[] }>('deals.page1');
  (bad.results[0]!.properties as Json).amount = 12000.5;
  assert.equal(
    payloadError(() => parseObjectPage(bad)),
    'results.0.properties.amount',
  );
  const noTime = hubspotFixture<{ results: Json[] }>('deals.page2');
  (noTime.results[0]!.propertiesWithHistory as { dealstage: Json[] }).dealstage[0]!.timestamp =
    'yesterday';
  assert.equal(
    payloadError(() => parseObjectPage(noTime)),
    'results.0.propertiesWithHistory.dealstage.0.timestamp',
  );
  assert.equal(
    payloadError(() => parseCrmObject({ id: '1', properties: {} })),
    'createdAt',
  );
});

test('associations (v4 batch read and one object’s page) and pipelines parse', () => {
  const batch = parseAssociationBatch(hubspotFixture('associations.deals-contacts.batch'));
  assert.equal(batch.status, 'COMPLETE');
  assert.deepEqual(
    batch.results.map((r) => [
      r.from.id,
      r.to.map((t) => [t.toObjectId, t.associationTypes.map((a) => a.typeId)]),
    ]),
    [
      ['4500', [['101', [3]]]],
      ['4501', [['102', [3, 41]]]],
    ],
  );
  assert.equal(batch.errors?.[0]?.category, 'OBJECT_NOT_FOUND');
  const page = parseAssociationPage({
    results: [
      { toObjectId: '101', associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3 }] },
    ],
    paging: { next: { after: 'MTAx' } },
  });
  assert.equal(page.results[0]!.toObjectId, '101');
  assert.equal(page.paging?.next?.after, 'MTAx');

  const pipelines = parsePipelines(hubspotFixture('pipelines.deals'));
  assert.deepEqual(
    pipelines[0]!.stages.map((s) => [s.id, s.metadata?.isClosed, s.metadata?.probability]),
    [
      ['appointmentscheduled', false, 0.2],
      ['qualifiedtobuy', false, 0.4],
      ['presentationscheduled', false, 0.6],
      ['decisionmakerboughtin', false, 0.8],
      ['contractsent', false, 0.9],
      ['closedwon', true, 1],
      ['closedlost', true, 0],
    ],
  );
  assert.equal(pipelines[1]!.id, '12345678');
});
