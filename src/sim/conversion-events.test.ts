import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emitGate, emitLead } from './conversion-events.js';
import { householdPeople } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { buildContext, eventMaker, type EventSink } from './segment-event.js';
import { pageAt, SITE } from './site.js';
import type { SegmentEvent } from './types.js';

const person = householdPeople(2, 0)[0]!;
const device = person.devices[0]!;
const AT = Date.parse('2026-02-01T12:00:00Z');

function run(
  path: string,
  f: (sink: EventSink, ctx: ReturnType<typeof buildContext>, rng: Rng) => void,
): SegmentEvent[] {
  const events: SegmentEvent[] = [];
  const sink: EventSink = {
    make: eventMaker('t-', device.anonymousId),
    emit: (e) => events.push(e),
  };
  const p = pageAt(path);
  const ctx = buildContext(
    person,
    device,
    { url: `${SITE.origin}${path}`, path, referrer: '', title: p.title, search: '' },
    null,
  );
  f(sink, ctx, Rng.of(3, PURPOSE.session, 1, 0));
  return events;
}

const shape = (events: SegmentEvent[]) =>
  events.map((e) => `${e.type}:${e.event ?? e.name ?? ''}@${Date.parse(e.timestamp) - AT}`);

test('a demo request: identify with the person, the form, then the thank-you page referred by the demo page', () => {
  const who = { person, device, channel: 'paid_search_brand' as const };
  const events = run('/demo', (sink, ctx, rng) => emitLead(sink, who, 'form', AT, ctx, rng));
  assert.deepEqual(shape(events), [
    'identify:@0',
    'track:form_submitted@5',
    'page:Demo Booked@1200',
  ]);
  assert.equal(events[0]!.traits!.email, person.email);
  assert.equal((events[1]!.properties as { form_id: string }).form_id, 'demo-request');
  assert.equal(events[2]!.context.page.referrer, `${SITE.origin}/demo`);
  // a contact form has no thank-you page
  const contact = run('/contact', (sink, ctx, rng) => emitLead(sink, who, 'form', AT, ctx, rng));
  assert.deepEqual(shape(contact), ['identify:@0', 'track:form_submitted@5']);
  assert.equal((contact[1]!.properties as { form_id: string }).form_id, 'contact-sales');
});

test("a phone lead shows the tracking number of the visit's channel group; a chat identifies by e-mail", () => {
  const call = (channel: 'paid_search_brand' | 'organic_search') =>
    run('/contact', (sink, ctx, rng) =>
      emitLead(sink, { person, device, channel }, 'phone', AT, ctx, rng),
    );
  const paid = call('paid_search_brand');
  assert.deepEqual(shape(paid), ['identify:@0', 'track:phone_call@5']);
  assert.equal(paid[0]!.traits!.phone, person.phone);
  assert.equal(
    (paid[1]!.properties as { tracking_number: string }).tracking_number,
    '+18885550101',
  );
  const organic = call('organic_search');
  assert.equal(
    (organic[1]!.properties as { tracking_number: string }).tracking_number,
    '+18885550100',
  );
  const chat = run('/pricing', (sink, ctx, rng) =>
    emitLead(sink, { person, device, channel: 'direct' }, 'chat', AT, ctx, rng),
  );
  assert.deepEqual(shape(chat), ['identify:@0', 'track:chat_started@5']);
  assert.deepEqual(chat[0]!.traits, { email: person.email });
});

test('a gate: the whitepaper form 20 to 90 s after the last page, its download 1.5 s later', () => {
  const path = '/whitepapers/cmo-reporting-playbook';
  const last = { page: pageAt(path), at: AT, search: '' };
  const events = run(path, (sink, ctx, rng) => emitGate(sink, person, last, AT, ctx, rng));
  assert.deepEqual(
    events.map((e) => e.type),
    ['identify', 'track', 'track'],
  );
  const formAt = Date.parse(events[0]!.timestamp) - AT;
  assert.ok(formAt >= 20_000 && formAt <= 90_000, `${formAt}`);
  assert.equal(Date.parse(events[2]!.timestamp) - AT, formAt + 1_500);
  assert.equal(
    (events[2]!.properties as { url: string }).url,
    `${SITE.origin}/assets/whitepapers/cmo-reporting-playbook.pdf`,
  );
});
