/**
 * The events a converting session ends with: a lead's form (with the thank-you page of a demo request),
 * chat or phone call, each with the identify that names the person, and a gated whitepaper's form and
 * download. Draws come from the session's own stream, after its page views.
 */
import { CHANNEL_EFFECTS, type ChannelId } from './channels.js';
import type { ConversionMethod } from './journey.js';
import type { Device, Person } from './people.js';
import type { Rng } from './prng.js';
import { emitPageView, whitepaperDownload, type EventSink } from './segment-event.js';
import type { PlannedPage } from './session-path.js';
import { pageAt } from './site.js';
import type { JsonValue, SegmentContext } from './types.js';

/** Call-tracking numbers shown per channel group (dynamic number insertion). */
const TRACKING_NUMBERS: Record<string, string> = {
  'Paid Search': '+18885550101',
  'Paid Social': '+18885550102',
  Display: '+18885550103',
  Email: '+18885550104',
  default: '+18885550100',
};

/** A form submitted at `ts`: the identify with the person's traits, then the form's own event. */
function emitForm(
  sink: EventSink,
  person: Person,
  form: { id: string; name: string },
  ts: number,
  context: SegmentContext,
  withPhone: boolean,
): void {
  const fields: Record<string, JsonValue> = {
    email: person.email,
    first_name: person.firstName,
    last_name: person.lastName,
    company: person.company.name,
    job_title: person.title,
  };
  if (withPhone) fields['phone'] = person.phone;
  const traits: Record<string, JsonValue> = {
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    company: { name: person.company.name },
  };
  if (withPhone) traits['phone'] = person.phone;
  sink.emit(sink.make('identify', ts, { traits }, context));
  sink.emit(
    sink.make(
      'track',
      ts + 5,
      { event: 'form_submitted', properties: { form_id: form.id, form_name: form.name, fields } },
      context,
    ),
  );
}

/** The lead at `at`, on the session's last page (`context`): a form, a chat or a phone call. */
export function emitLead(
  sink: EventSink,
  who: { person: Person; device: Device; channel: ChannelId },
  method: ConversionMethod,
  at: number,
  context: SegmentContext,
  rng: Rng,
): void {
  const { person } = who;
  if (method === 'form') {
    const demo = context.page.path === '/demo';
    emitForm(
      sink,
      person,
      demo
        ? { id: 'demo-request', name: 'Book a demo' }
        : { id: 'contact-sales', name: 'Contact sales' },
      at,
      context,
      rng.chance(0.4),
    );
    if (demo) {
      const view = {
        page: pageAt('/demo/thank-you'),
        ts: at + 1_200,
        referrer: context.page.url,
        search: '',
      };
      emitPageView(sink, who, view, null);
    }
  } else if (method === 'chat') {
    sink.emit(sink.make('identify', at, { traits: { email: person.email } }, context));
    sink.emit(
      sink.make(
        'track',
        at + 5,
        {
          event: 'chat_started',
          properties: { chat_id: `chat_${rng.hex(12)}`, email: person.email },
        },
        context,
      ),
    );
  } else {
    const group = CHANNEL_EFFECTS[who.channel].ga4;
    const trackingNumber = TRACKING_NUMBERS[group] ?? TRACKING_NUMBERS['default'] ?? '';
    sink.emit(sink.make('identify', at, { traits: { phone: person.phone } }, context));
    sink.emit(
      sink.make(
        'track',
        at + 5,
        {
          event: 'phone_call',
          properties: {
            phone: person.phone,
            duration_s: rng.between(45, 1_500),
            tracking_number: trackingNumber,
          },
        },
        context,
      ),
    );
  }
}

/** A gated whitepaper's form, a little after the session's last page (`last`, else `start`), then its download. */
export function emitGate(
  sink: EventSink,
  person: Person,
  last: PlannedPage | undefined,
  start: number,
  context: SegmentContext,
  rng: Rng,
): void {
  const ts = (last?.at ?? start) + rng.between(20_000, 90_000);
  emitForm(
    sink,
    person,
    { id: 'whitepaper-gate', name: 'Download whitepaper' },
    ts,
    context,
    false,
  );
  sink.emit(
    sink.make(
      'track',
      ts + 1_500,
      whitepaperDownload(last?.page.path ?? '/whitepapers/x'),
      context,
    ),
  );
}
