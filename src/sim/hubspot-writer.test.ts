// The HubSpot writer's portal and webhooks read as HubSpot's own answers do (the connector's schemas),
// and a portal read at a moment holds only what had happened by then.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCrmObject, parseWebhookBody } from '../sources/hubspot/index.js';
import { HubSpotSimWriter } from './hubspot-writer.js';
import { simulate } from './simulate.js';

test('the HubSpot writer: objects and webhooks in HubSpot’s shapes, and the portal as it stood at a moment', async () => {
  const hubspot = new HubSpotSimWriter();
  const sim = await simulate(
    { seed: 3, days: 40, visitorsPerDay: 120, end: '2026-03-31', crm: 'demo' },
    [hubspot, { event() {}, async close() {} }],
  );
  const contacts = hubspot.contactsAt().map(parseCrmObject);
  const deals = hubspot.dealsAt().map(parseCrmObject);
  assert.equal(deals.length, sim.record.crm.dealsCreated);
  assert.equal(
    deals.filter((d) => d.properties.dealstage === 'closedwon').length,
    sim.record.crm.dealsWon,
  );
  const events = hubspot.webhooks().flatMap((body) => {
    assert.ok(body.length <= 100);
    return parseWebhookBody(body);
  });
  assert.equal(events.length, hubspot.events.length);
  // one creation per object, and a stage change for every stage each reached
  const creations = events.filter((e) => e.action === 'creation');
  assert.equal(creations.length, contacts.length + deals.length);
  const stageChanges = events.filter(
    (e) => e.action === 'propertyChange' && /stage$/.test(e.propertyName),
  );
  const histories = [...contacts, ...deals].reduce(
    (n, o) =>
      n +
      (o.propertiesWithHistory?.lifecyclestage ?? o.propertiesWithHistory?.dealstage ?? []).length,
    0,
  );
  assert.equal(stageChanges.length, histories);

  // a closed deal as it stood before it closed: open, without the closing stage in its history
  const closed = deals.find((d) => d.properties.closedate)!;
  const before = Date.parse(closed.properties.closedate!) - 1;
  const then = parseCrmObject(hubspot.deal(closed.id, before));
  assert.equal(then.properties.dealstage, 'appointmentscheduled');
  assert.equal(then.properties.hs_is_closed, 'false');
  assert.deepEqual(
    then.propertiesWithHistory!.dealstage!.map((h) => h.value),
    ['appointmentscheduled'],
  );
  assert.ok(Date.parse(then.updatedAt) <= before);
  // history newest first, as HubSpot gives it
  const history = closed.propertiesWithHistory!.dealstage!.map((h) => Date.parse(h.timestamp));
  assert.deepEqual(
    history,
    [...history].sort((a, b) => b - a),
  );
  // nothing existed before the world began
  assert.deepEqual(hubspot.contactsAt(Date.parse('2026-01-01T00:00:00Z')), []);
  assert.equal(hubspot.deal(closed.id, Date.parse(closed.createdAt) - 1), null);
});
