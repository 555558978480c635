import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_OUTBOUND_NOTIFICATIONS,
  OUTBOUND_ACK,
  OUTBOUND_NS,
  OutboundMessageError,
  outboundAck,
  outboundFault,
  outboundRecords,
  parseOutboundMessage,
  SOAP_ENVELOPE_NS,
} from './outbound-message.js';
import { parseXml } from './xml.js';
import { SalesforcePayloadError } from './schemas.js';
import { salesforceXml, SF } from '../../test-helpers/salesforce-fixtures.js';

test('an opportunity Outbound Message: org, action, notifications with their sObject fields', () => {
  const m = parseOutboundMessage(salesforceXml('outbound.opportunity'), {
    organizationId: SF.org.slice(0, 15), // the 15-character form matches the 18
  });
  assert.equal(m.organizationId, SF.org);
  assert.equal(m.actionId, '04k5e0000ACT001AAA');
  assert.equal(m.hasSessionId, false);
  assert.equal(
    m.enterpriseUrl,
    'https://acme.my.salesforce.com/services/Soap/c/62.0/00D5e0000ORG001',
  );
  assert.deepEqual(
    m.notifications.map((n) => [n.id, n.sObjectType, n.fields.Id]),
    [
      ['04l5e0000NOTE01AAA', 'Opportunity', SF.acmeDeal],
      ['04l5e0000NOTE02AAA', 'Opportunity', SF.globexDeal],
    ],
  );
  const won = m.notifications[0]!.fields;
  assert.equal(won.Name, 'Acme - 50 seats & support'); // entities decoded
  assert.equal(won.StageName, 'Closed Won');
  assert.equal(m.notifications[1]!.fields.NextStep, null); // xsi:nil
  const records = outboundRecords(m);
  assert.deepEqual(
    records.opportunities.map((o) => [
      o.record.Id,
      o.record.Amount,
      o.record.IsWon,
      o.record.CurrencyIsoCode,
    ]),
    [
      [SF.acmeDeal, '12000.50', true, 'EUR'],
      [SF.globexDeal, '5000.00', false, 'USD'],
    ],
  );
  assert.equal(records.opportunities[1]!.record.Loss_Reason__c, 'Went with a competitor');
  assert.equal(records.opportunities[0]!.record.LastModifiedDate, Date.UTC(2026, 1, 14, 10));
  assert.deepEqual([records.leads, records.contacts, records.other], [[], [], []]);
});

test('a lead Outbound Message reads as a lead record', () => {
  const records = outboundRecords(parseOutboundMessage(salesforceXml('outbound.lead')));
  assert.equal(records.leads.length, 1);
  const { notificationId, record } = records.leads[0]!;
  assert.equal(notificationId, '04l5e0000NOTE03AAA');
  assert.equal(record.Id, SF.graceLead);
  assert.equal(record.Status, 'Working - Contacted');
  assert.equal(record.IsConverted, false);
});

test('the Ack is the notificationsResponse Salesforce expects, and reads back as such', () => {
  assert.equal(
    OUTBOUND_ACK,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\n' +
      '<soapenv:Body>\n' +
      '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">\n' +
      '<Ack>true</Ack>\n' +
      '</notificationsResponse>\n' +
      '</soapenv:Body>\n' +
      '</soapenv:Envelope>',
  );
  for (const [body, ack] of [
    [OUTBOUND_ACK, 'true'],
    [outboundAck(false), 'false'],
  ] as const) {
    const root = parseXml(body);
    assert.deepEqual([root.ns, root.local], [SOAP_ENVELOPE_NS, 'Envelope']);
    const response = root.children[0]!.children[0]!;
    assert.deepEqual([response.ns, response.local], [OUTBOUND_NS, 'notificationsResponse']);
    assert.deepEqual(
      response.children.map((c) => [c.ns, c.local, c.text]),
      [[OUTBOUND_NS, 'Ack', ack]],
    );
  }
  const fault = parseXml(outboundFault('bad <org> & more'));
  const f = fault.children[0]!.children[0]!;
  assert.equal(f.local, 'Fault');
  assert.equal(f.children[1]!.text, 'bad <org> & more');
});

const wrap = (notifications: string, head = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>${head}
<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><notifications xmlns="${OUTBOUND_NS}">
<OrganizationId>${SF.org}</OrganizationId><ActionId>04k5e0000ACT001AAA</ActionId>
<SessionId>00D5e0000ORG001!AQcSECRETSESSION</SessionId>
${notifications}</notifications></soapenv:Body></soapenv:Envelope>`;
const note = (fields: string, type = 'sf:Opportunity') =>
  `<Notification><Id>04l5e0000NOTE09AAA</Id><sObject xsi:type="${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;

test('a session id is noted, never kept; a message from another org is refused', () => {
  const body = wrap(note(`<sf:Id>${SF.acmeDeal}</sf:Id>`));
  const m = parseOutboundMessage(body);
  assert.equal(m.hasSessionId, true);
  assert.ok(!JSON.stringify(m).includes('SECRETSESSION'));
  assert.throws(
    () => parseOutboundMessage(body, { organizationId: '00D5e0000OTHER1AAA' }),
    (err: unknown) => err instanceof OutboundMessageError && err.reason === 'wrong_organization',
  );
});

test('bodies that are not a well-formed Outbound Message are refused with a reason, naming no value', () => {
  const id = `<sf:Id>${SF.acmeDeal}</sf:Id>`;
  const cases: Array<[string, string]> = [
    ['not xml at all', 'not_xml'],
    [wrap(note(id)).replace('</notifications>', ''), 'not_xml'],
    // no DOCTYPE, so no entity expansion ("billion laughs") and no external entities
    [wrap(note(id), '<!DOCTYPE x [<!ENTITY a "aaaa">]>'), 'not_xml'],
    [wrap(note(`<sf:Name>&secret;</sf:Name>${id}`)), 'not_xml'],
    [wrap(note(id)).replace('xmlns:sf="urn:sobject.enterprise.soap.sforce.com"', ''), 'not_xml'],
    [
      wrap(note(id)).replaceAll(SOAP_ENVELOPE_NS, 'http://www.w3.org/2003/05/soap-envelope'),
      'not_soap',
    ],
    [wrap(note(id)).replace(`xmlns="${OUTBOUND_NS}"`, 'xmlns="urn:other"'), 'not_notifications'],
    [wrap(note(id)).replace(`<OrganizationId>${SF.org}</OrganizationId>`, ''), 'malformed'],
    [wrap(note(id)).replace(SF.org, 'SECRET-ish value'), 'malformed'],
    [wrap(note(`<sf:Name>x</sf:Name>`)), 'malformed'], // no Id
    [wrap(note(id).replace(' xsi:type="sf:Opportunity"', '')), 'malformed'], // no xsi:type
    [wrap(note(`${id}<sf:Name>a</sf:Name><sf:Name>b</sf:Name>`)), 'malformed'],
    [wrap(note(`${id}<sf:Account><sf:Name>a</sf:Name></sf:Account>`)), 'malformed'],
    [wrap(note(id).repeat(MAX_OUTBOUND_NOTIFICATIONS + 1)), 'too_many_notifications'],
  ];
  for (const [body, reason] of cases) {
    assert.throws(
      () => parseOutboundMessage(body),
      (err: unknown) => {
        assert.ok(err instanceof OutboundMessageError, `${reason}: ${String(err)}`);
        assert.equal(err.reason, reason, err.message);
        assert.ok(!err.message.includes('SECRET'), err.message);
        return true;
      },
    );
  }
  // a field of the wrong form fails when read as a record, naming the notification and field
  const bad = parseOutboundMessage(wrap(note(`${id}<sf:Amount>lots</sf:Amount>`)));
  assert.throws(
    () => outboundRecords(bad),
    (err: unknown) =>
      err instanceof SalesforcePayloadError && err.path === 'Notification[0].sObject.Amount',
  );
  // a hundred notifications is the most Salesforce sends, and is read
  assert.equal(
    parseOutboundMessage(wrap(note(id).repeat(MAX_OUTBOUND_NOTIFICATIONS))).notifications.length,
    100,
  );
});
