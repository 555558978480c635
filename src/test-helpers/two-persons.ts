// Two persons for the privacy tests on both engines (withBothEngines): Ann and Bob, each with a browser of
// their own and, one after the other, a shared one; a CRM link each; dead letters naming them. The facts
// go through the journal into both engines; the rest is derived by DuckDB and copied into ClickHouse as
// stored, with a quarantine row and an identity-log row naming each person added by hand.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rebuild } from '../derive/derive.js';
import type { PersonSelection } from '../store/areas/privacy.js';
import { loadEventJournal } from '../store/engines/clickhouse/events.js';
import { deadLetterId } from '../store/journal-lines.js';
import type { Store } from '../store/store.js';
import type { BothEngines } from './clickhouse.js';
import { copyDuckRows } from './copy-duck-rows.js';
import { journalMeta, segmentBytes } from './poison.js';

export const WS = 'ws_privacy';
export const ANN_EMAIL = 'ann@x.test';
const BOB_EMAIL = 'bob@x.test';

/** A journal line as the ingest route writes it, its final time `_ts` given (to the microsecond). */
function line(fields: Record<string, unknown>, ts: string): Buffer {
  const json = JSON.stringify(fields).slice(0, -1);
  return Buffer.from(`${json},${journalMeta(WS, '2024-05-20T00:00:00.000Z')},"_ts":"${ts}000Z"}`);
}
export const page = (id: string, anon: string, ts: string, url: string) =>
  line({ type: 'page', messageId: id, anonymousId: anon, context: { page: { url } } }, ts);
const identify = (id: string, anon: string, ts: string, traits: object, userId?: string) =>
  line({ type: 'identify', messageId: id, anonymousId: anon, userId, traits }, ts);
/** A line the engines cannot load (bytes that are not UTF-8), naming someone. */
const broken = (anon: string, email: string) =>
  Buffer.concat([
    Buffer.from(`{"type":"identify","anonymousId":"${anon}","traits":{"email":"${email}","x":"`),
    Buffer.from([0xff, 0xfe]),
    Buffer.from(`"},${journalMeta(WS, '2024-05-20T00:00:00.000Z')}}`),
  ]);

// Ann: her own browser, then the shared one; Bob: his own browser, then the shared one after her
export const ANN_LINES = [
  page(
    'm-ann-1',
    'a-ann',
    '2024-05-01T10:00:00.000',
    'https://x.test/?utm_source=google&utm_medium=cpc',
  ),
  identify('m-ann-2', 'a-ann', '2024-05-01T10:01:00.250', { email: ' Ann@X.test ' }, 'u-ann'),
  line(
    {
      type: 'track',
      messageId: 'm-ann-3',
      anonymousId: 'a-ann',
      event: 'Form Submitted',
      properties: { email: ANN_EMAIL, plan: 'pro' },
    },
    '2024-05-01T10:02:00.000',
  ),
  page('m-ann-4', 'a-shared', '2024-05-02T09:00:00.000', 'https://x.test/pricing'),
  identify('m-ann-5', 'a-shared', '2024-05-02T09:01:00.000', { email: ANN_EMAIL }),
];
const BOB_LINES = [
  page(
    'm-bob-1',
    'b-bob',
    '2024-05-03T10:00:00.000',
    'https://x.test/?utm_source=news&utm_medium=email',
  ),
  identify('m-bob-2', 'b-bob', '2024-05-03T10:01:00.000', { email: BOB_EMAIL }, 'u-bob'),
  page('m-bob-3', 'a-shared', '2024-05-12T09:00:00.000', 'https://x.test/blog'),
  identify('m-bob-4', 'a-shared', '2024-05-12T09:01:00.000', { email: BOB_EMAIL }),
];
export const POISON = [
  broken('a-ann', ANN_EMAIL),
  line(
    { type: 'page', messageId: 'm-ann-bad', anonymousId: 'a-ann', name: 'x\ud800' },
    '2024-05-01T11:00:00.000',
  ),
  broken('b-bob', BOB_EMAIL),
];
const SEGMENT = [...ANN_LINES, ...BOB_LINES, ...POISON];

/** A person's selection, as the model would make it: written out here, their shared-device stretches read. */
async function selection(
  duck: Store,
  who: 'ann' | 'bob',
  deadLetters: string[],
): Promise<PersonSelection> {
  const email = who === 'ann' ? ANN_EMAIL : BOB_EMAIL;
  const personIds = await duck.personsByIdentifier(WS, 'email', email);
  assert.equal(personIds.length, 1, `${who} is one person`);
  const spans = await duck.sharedDeviceSpans(WS, personIds);
  assert.deepEqual(
    spans.map((s) => s.anonymousId),
    ['a-shared'],
  );
  const own = who === 'ann' ? 'a-ann' : 'b-bob';
  const user = who === 'ann' ? 'u-ann' : 'u-bob';
  const crm = who === 'ann' ? 'crm-ann' : 'crm-bob';
  const identifiers = [
    { kind: 'anonymous_id', value: 'a-shared' },
    { kind: 'anonymous_id', value: own },
    { kind: 'crm_id', value: crm },
    { kind: 'email', value: email },
    { kind: 'user_id', value: user },
  ];
  const key = (i: { kind: string; value: string }) => `${i.kind}:${i.value}`;
  assert.deepEqual(
    (await duck.personIdentifiers(WS, personIds)).map(key).sort(),
    identifiers.map(key).sort(),
  );
  return {
    personIds,
    identifiers,
    events: {
      anonymousIds: [own],
      userIds: [user],
      previousIds: [],
      emails: who === 'ann' ? [' Ann@X.test ', ANN_EMAIL] : [BOB_EMAIL],
      phones: [],
      messageIds: who === 'ann' ? ['m-ann-3'] : [],
      deviceSpans: spans,
    },
    sharedDevices: spans,
    links: [
      { kind: 'crm_id', value: crm },
      { kind: 'email', value: email },
    ],
    deadLetters,
  };
}

/**
 * Loads the two persons into both engines (the workspace WS must exist in DuckDB): their selections,
 * written out as the model would make them, with the journal file the facts came from.
 */
export async function seedTwoPersons({ duck, duckDb, ch, dir }: BothEngines): Promise<{
  ann: PersonSelection;
  bob: PersonSelection;
  /** The dead letters' ids, in POISON's order. */
  letters: string[];
}> {
  // facts: the journal into both engines (events and dead letters), links stated on DuckDB
  const path = join(dir, 'seg-1.ndjson');
  writeFileSync(path, segmentBytes(SEGMENT));
  const d = await duck.loadEventJournal(path);
  const c = await loadEventJournal(ch, path);
  assert.deepEqual([c.inserted, c.deadLetters], [d.inserted, d.deadLetters]);
  assert.deepEqual([d.inserted, d.deadLetters], [9, 3]);
  const letter = (i: number) =>
    deadLetterId(basename(path), SEGMENT.indexOf(POISON[i]!) + 1, POISON[i]!);
  await duck.appendIdentityLinks(WS, [
    {
      fromKind: 'crm_id',
      fromValue: 'crm-ann',
      toKind: 'email',
      toValue: ANN_EMAIL,
      source: 'crm',
      at: '2024-05-04T00:00:00.000Z',
    },
    {
      fromKind: 'crm_id',
      fromValue: 'crm-bob',
      toKind: 'email',
      toValue: BOB_EMAIL,
      source: 'crm',
      at: '2024-05-04T00:00:00.000Z',
    },
  ]);
  // a CRM contact of each: its change and match keys are theirs (found by the e-mail)
  const contact = (id: string, email: string) => ({
    key: `csv:contact:${id}:created`,
    source: 'csv',
    account: null,
    objectType: 'contact',
    objectId: id,
    change: 'lifecycle_stage',
    occurredAt: Date.parse('2024-05-04T00:00:00.000Z'),
    timeSource: 'stage_date',
    stage: 'mql',
    pipeline: null,
    milestone: 'mql',
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto: null,
    match: { emails: [email], phones: [], anonymousIds: [], contactIds: [id], companyIds: [] },
  });
  await duck.appendCrmChanges(WS, [contact('crm-ann', ANN_EMAIL), contact('crm-bob', BOB_EMAIL)]);
  const payment = (id: string, email: string) => ({
    key: `csv:revenue:${id}`,
    source: 'csv',
    account: null,
    paymentId: id,
    occurredAt: Date.parse('2024-05-05T00:00:00.000Z'),
    amount: { minor: 4900, currency: 'usd' },
    dealId: null,
    description: 'setup fee',
    match: { emails: [email], phones: [], anonymousIds: [], contactIds: [], companyIds: [] },
  });
  await duck.appendRevenueRecords(WS, [
    payment('pay-ann', ANN_EMAIL),
    payment('pay-bob', BOB_EMAIL),
  ]);
  // a Stripe customer of each (found by its e-mail) and a subscription event of it (found by its customer)
  const stripe = (who: string, email: string) => [
    {
      key: `stripe:customer:cus_${who}:1`,
      origin: 'backfill' as const,
      objectType: 'customer',
      objectId: `cus_${who}`,
      customerId: `cus_${who}`,
      occurredAt: Date.parse('2024-05-06T00:00:00.000Z'),
      body: JSON.stringify({ id: `cus_${who}`, object: 'customer', email }),
      match: { emails: [email], phones: [], anonymousIds: [], contactIds: [], companyIds: [] },
    },
    {
      key: `stripe:evt_${who}`,
      origin: 'event' as const,
      objectType: 'subscription',
      objectId: `sub_${who}`,
      customerId: `cus_${who}`,
      occurredAt: Date.parse('2024-05-06T00:00:00.000Z'),
      body: '{}',
      match: { emails: [], phones: [], anonymousIds: [], contactIds: [], companyIds: [] },
    },
  ];
  await duck.appendStripeFacts(WS, [...stripe('ann', ANN_EMAIL), ...stripe('bob', BOB_EMAIL)]);
  // vendor deliveries: Ann's e-mail in a Pipedrive person (in another case), her user id in
  // an Outbound Message, Bob's e-mail; and one naming only the shared device and a longer e-mail
  const receipt = (key: string, body: string, contentType = 'application/json') =>
    duck.appendWebhookReceipt({
      workspaceId: WS,
      vendor: key.startsWith('sf') ? 'salesforce' : 'pipedrive',
      key,
      receivedAt: '2024-05-06T00:00:00.000Z',
      contentType,
      body,
    });
  await receipt('pd-ann', '{"data":{"id":7,"emails":[{"value":"Ann@X.test"}]}}');
  await receipt('sf-ann', '<sf:Closedloop_User__c>u-ann</sf:Closedloop_User__c>', 'text/xml');
  await receipt('pd-bob', `{"data":{"id":8,"emails":[{"value":"${BOB_EMAIL}"}]}}`);
  await receipt('pd-none', '{"data":{"id":9,"emails":[{"value":"joann@x.test"}],"a":"a-shared"}}');
  // derived rows: DuckDB's derive, then a quarantine and identity-log rows naming each person
  await rebuild(duck, WS);
  const ann = await selection(duck, 'ann', [letter(0), letter(1)]);
  const bob = await selection(duck, 'bob', [letter(2)]);
  const [annPid] = ann.personIds;
  const [bobPid] = bob.personIds;
  await duckDb.write((w) =>
    w.run(
      `INSERT INTO identity_quarantine (workspace_id, kind, value, distinct_emails, distinct_users, reason, sources)
         VALUES ('${WS}', 'user_id', 'u-ann', 4, 1, 'emails', '["identify"]'),
                ('${WS}', 'user_id', 'u-bob', 5, 1, 'emails', '["identify"]');
         INSERT INTO identity_changes (workspace_id, recorded_at, change, person_id, others, reason, detail)
         VALUES ('${WS}', '2024-05-20 00:00:00.125+00', 'merge', 'p_someone', '["${annPid}"]', 'hand', NULL),
                ('${WS}', '2024-05-21 00:00:00+00', 'split', '${bobPid}', '["p_gone"]', 'hand', 'x')`,
    ),
  );
  await copyDuckRows(duck, ch, [
    'identity_links',
    'crm_changes',
    'crm_match_keys',
    'revenue_records',
    'stripe_facts',
    'webhook_receipts',
    'sessions',
    'identities',
    'identity_seen',
    'identity_edges',
    'identity_quarantine',
    'identity_changes',
    'milestones',
    'attribution_credits',
    'person_first_touch',
    'report_sessions',
    'subscription_months',
  ]);
  return { ann, bob, letters: POISON.map((_, i) => letter(i)) };
}

/** A selection naming nothing. */
export const NOBODY: PersonSelection = {
  personIds: [],
  identifiers: [],
  events: {
    anonymousIds: [],
    userIds: [],
    previousIds: [],
    emails: [],
    phones: [],
    messageIds: [],
    deviceSpans: [],
  },
  sharedDevices: [],
  links: [],
  deadLetters: [],
};
