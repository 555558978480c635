// Salesforce Outbound Messages: a workflow rule or flow POSTs a SOAP 1.1 envelope whose body is a
// `notifications` element (namespace http://soap.sforce.com/2005/09/outbound) with the org's id, the
// action's id, an optional session id, the API URLs, and up to 100 `Notification`s, each a notification
// id and an `sObject` (`xsi:type="sf:Opportunity"`) holding the fields the admin chose. Salesforce
// retries a message (for up to 24 hours) until the answer is a `notificationsResponse` with
// `<Ack>true</Ack>`; it may also send one more than once, so the notification id is what deduplicates.
//
// Outbound Messages carry no signature. The receiver checks the org id against the connected org's
// (`organizationId` option) and should sit behind TLS; the session id, a live credential when the
// admin ticks "Send Session ID", is never kept: only whether one came.

import { childrenNamed, escapeXml, isNil, parseXml, XSI_NS, type XmlElement } from './xml.js';
import {
  parseRecord,
  SALESFORCE_ID,
  type SalesforceContact,
  type SalesforceLead,
  type SalesforceOpportunity,
} from './schemas.js';

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
export const SOBJECT_NS = 'urn:sobject.enterprise.soap.sforce.com';
/** What Salesforce sends and expects back. */
export const OUTBOUND_CONTENT_TYPE = 'text/xml; charset=utf-8';
/** Salesforce sends at most this many notifications in one message. */
export const MAX_OUTBOUND_NOTIFICATIONS = 100;

export interface OutboundNotification {
  /** The notification's id (`04l...`): the same on a redelivery. */
  id: string;
  /** The sObject's type, from `xsi:type` (`Opportunity`, `Lead`). */
  sObjectType: string;
  /** Field name to text; null for `xsi:nil`. `Id` is among them. */
  fields: Record<string, string | null>;
}

export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  enterpriseUrl: string | null;
  partnerUrl: string | null;
  /** Whether the message carried a session id (never kept: it is a credential). */
  hasSessionId: boolean;
  notifications: OutboundNotification[];
}

export type OutboundRefusal =
  | 'not_xml'
  | 'not_soap'
  | 'not_notifications'
  | 'malformed'
  | 'too_many_notifications'
  | 'wrong_organization';

/** A body we do not accept: `reason` says why; the message names the element, never a value. */
export class OutboundMessageError extends Error {
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundMessageError';
  }
}

const refuse = (reason: OutboundRefusal, message: string): never => {
  throw new OutboundMessageError(reason, message);
};

function only(parent: XmlElement, ns: string, local: string, required: true): XmlElement;
function only(
  parent: XmlElement,
  ns: string,
  local: string,
  required: false,
): XmlElement | undefined;
function only(parent: XmlElement, ns: string, local: string, required: boolean) {
  const found = childrenNamed(parent, ns, local);
  if (found.length > 1) refuse('malformed', `${parent.local}: more than one ${local}`);
  if (required && found.length === 0) refuse('malformed', `${parent.local}: no ${local}`);
  return found[0];
}

/** An element that holds only text (no child elements). */
function leafText(el: XmlElement, where: string): string | null {
  if (el.children.length > 0) refuse('malformed', `${where}: expected text, found elements`);
  return isNil(el) ? null : el.text.trim();
}

function idText(el: XmlElement, where: string): string {
  const v = leafText(el, where);
  if (!v || !SALESFORCE_ID.test(v)) refuse('malformed', `${where}: expected a Salesforce id`);
  return v!;
}

/** The 15-character form, which the 18-character one extends (comparisons use it). */
const id15 = (id: string) => id.slice(0, 15);

/**
 * Reads an Outbound Message body. With `organizationId`, a message from any other org is refused
 * (`wrong_organization`). Throws an `OutboundMessageError` for anything else it does not read.
 */
export function parseOutboundMessage(
  body: string,
  options: { organizationId?: string } = {},
): OutboundMessage {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (err) {
    return refuse('not_xml', `not XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (root.ns !== SOAP_ENVELOPE_NS || root.local !== 'Envelope')
    refuse('not_soap', 'not a SOAP 1.1 envelope');
  const envelopeBody = only(root, SOAP_ENVELOPE_NS, 'Body', true);
  const bodyElements = envelopeBody.children;
  const n = bodyElements[0];
  if (bodyElements.length !== 1 || n?.ns !== OUTBOUND_NS || n.local !== 'notifications')
    refuse('not_notifications', 'the SOAP body is not one outbound notifications element');
  const notifications = n!;
  const organizationId = idText(
    only(notifications, OUTBOUND_NS, 'OrganizationId', true),
    'OrganizationId',
  );
  const actionId = idText(only(notifications, OUTBOUND_NS, 'ActionId', true), 'ActionId');
  const session = only(notifications, OUTBOUND_NS, 'SessionId', false);
  const enterprise = only(notifications, OUTBOUND_NS, 'EnterpriseUrl', false);
  const partner = only(notifications, OUTBOUND_NS, 'PartnerUrl', false);
  if (options.organizationId && id15(options.organizationId) !== id15(organizationId))
    refuse('wrong_organization', 'the message comes from another Salesforce org');
  const list = childrenNamed(notifications, OUTBOUND_NS, 'Notification');
  if (list.length > MAX_OUTBOUND_NOTIFICATIONS) {
    refuse(
      'too_many_notifications',
      `${list.length} notifications, more than the ${MAX_OUTBOUND_NOTIFICATIONS} Salesforce sends`,
    );
  }
  const out: OutboundNotification[] = list.map((note, i) => {
    const where = `Notification[${i}]`;
    const id = idText(only(note, OUTBOUND_NS, 'Id', true), `${where}.Id`);
    const sObject = only(note, OUTBOUND_NS, 'sObject', true);
    const type = sObject.attributes.find((a) => a.ns === XSI_NS && a.local === 'type')?.value;
    if (!type) refuse('malformed', `${where}.sObject: no xsi:type`);
    const sObjectType = type!.slice(type!.indexOf(':') + 1);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(sObjectType))
      refuse('malformed', `${where}.sObject: xsi:type is not an object name`);
    const fields: Record<string, string | null> = {};
    for (const field of sObject.children) {
      const at = `${where}.sObject.${field.local}`;
      if (field.ns !== SOBJECT_NS) refuse('malformed', `${at}: not in the sObject namespace`);
      if (Object.hasOwn(fields, field.local)) refuse('malformed', `${at}: sent twice`);
      fields[field.local] = leafText(field, at);
    }
    if (!fields.Id || !SALESFORCE_ID.test(fields.Id))
      refuse('malformed', `${where}.sObject: no Id`);
    return { id, sObjectType, fields };
  });
  return {
    organizationId,
    actionId,
    enterpriseUrl: enterprise ? leafText(enterprise, 'EnterpriseUrl') : null,
    partnerUrl: partner ? leafText(partner, 'PartnerUrl') : null,
    hasSessionId: session ? !!leafText(session, 'SessionId') : false,
    notifications: out,
  };
}

/**
 * The answer Salesforce expects: a SOAP envelope whose body is `notificationsResponse` with `Ack`.
 * Only `true` stops the retries; `false` asks for the message again later.
 */
export function outboundAck(ack = true): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}">`,
    '<soapenv:Body>',
    `<notificationsResponse xmlns="${OUTBOUND_NS}">`,
    `<Ack>${ack ? 'true' : 'false'}</Ack>`,
    '</notificationsResponse>',
    '</soapenv:Body>',
    '</soapenv:Envelope>',
  ].join('\n');
}

/** The Ack that ends Salesforce's retries of a message. */
export const OUTBOUND_ACK = outboundAck(true);

/** A SOAP 1.1 fault (sent with HTTP 500): Salesforce retries the message later. */
export function outboundFault(reason: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}">`,
    '<soapenv:Body>',
    '<soapenv:Fault>',
    '<faultcode>soapenv:Client</faultcode>',
    `<faultstring>${escapeXml(reason)}</faultstring>`,
    '</soapenv:Fault>',
    '</soapenv:Body>',
    '</soapenv:Envelope>',
  ].join('\n');
}

/** A message's sObjects read as records of the objects we map; other types are kept apart. */
export interface OutboundRecords {
  leads: Array<{ notificationId: string; record: SalesforceLead }>;
  contacts: Array<{ notificationId: string; record: SalesforceContact }>;
  opportunities: Array<{ notificationId: string; record: SalesforceOpportunity }>;
  other: OutboundNotification[];
}

/**
 * The notifications' sObjects as typed records (the text of each field read as the REST API's JSON
 * would be: "true" a boolean, "12000.50" an exact decimal). A field of the wrong form throws a
 * `SalesforcePayloadError` naming the notification and field.
 */
export function outboundRecords(message: OutboundMessage): OutboundRecords {
  const out: OutboundRecords = { leads: [], contacts: [], opportunities: [], other: [] };
  message.notifications.forEach((n, i) => {
    // an empty element is an empty value, which the schemas read as absent
    const fields = Object.fromEntries(
      Object.entries(n.fields).map(([k, v]) => [k, v === '' ? null : v]),
    );
    const where = [`Notification[${i}]`, 'sObject'];
    if (n.sObjectType === 'Lead')
      out.leads.push({ notificationId: n.id, record: parseRecord('Lead', fields, where) });
    else if (n.sObjectType === 'Contact')
      out.contacts.push({ notificationId: n.id, record: parseRecord('Contact', fields, where) });
    else if (n.sObjectType === 'Opportunity')
      out.opportunities.push({
        notificationId: n.id,
        record: parseRecord('Opportunity', fields, where),
      });
    else out.other.push(n);
  });
  return out;
}
