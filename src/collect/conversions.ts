// Conversions that happen off the website (POST /api/conversions): a chat that produced a lead, a phone
// call, a booked meeting, a form filled elsewhere, an offline sale. Each becomes two ordinary events on
// the ingestion path, so it is stored, matched and credited exactly as the tracker's own: an identify
// that names the person (e-mail, phone; the identity step joins it to the visitor's history through the
// anonymous id when the chat widget knew it, else through the e-mail or phone), then a track event named
// for the conversion, which the lead rule (rules/lead-milestone.ts) knows for chats, calls and forms.
// Each conversion has an id of the sender's: its events' messageIds come from it, so a conversion sent
// twice is stored once.
import { z } from 'zod';

/** The track event each kind of conversion becomes (Segment's spelling, as the lead rule reads it). */
export const CONVERSION_EVENTS = {
  chat: 'Chat Started',
  call: 'Phone Call',
  form: 'Form Submitted',
  meeting: 'Meeting Booked',
  offline: 'Offline Conversion',
} as const;
export type ConversionType = keyof typeof CONVERSION_EVENTS;

export const MAX_CONVERSIONS = 500;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const Conversion = z
  .object({
    id: text(200),
    type: z.enum(Object.keys(CONVERSION_EVENTS) as [ConversionType, ...ConversionType[]], {
      error: `must be one of ${Object.keys(CONVERSION_EVENTS).join(', ')}`,
    }),
    /** What an offline conversion was (e.g. "Trade show order"); any type may carry it. */
    name: text(200).optional(),
    occurredAt: z.string({ error: 'is required (an ISO 8601 time)' }),
    email: text(320).optional(),
    phone: text(64).optional(),
    anonymousId: text(200).optional(),
    userId: text(200).optional(),
    value: z.number().finite().optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'is not a currency code (three letters, e.g. EUR)')
      .transform((s) => s.toUpperCase())
      .optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((c) => c.email ?? c.phone ?? c.anonymousId ?? c.userId, {
    message: 'needs at least one of email, phone, anonymousId, userId (who converted)',
    path: ['email'],
  })
  .refine((c) => c.value === undefined || c.currency !== undefined, {
    message: 'is required with a value',
    path: ['currency'],
  });
export type Conversion = z.infer<typeof Conversion>;

export const ConversionsBody = z.object({
  conversions: z
    .array(Conversion)
    .min(1, 'must hold at least one conversion')
    .max(MAX_CONVERSIONS, `must hold at most ${MAX_CONVERSIONS} conversions`),
});

/** The anonymous id a conversion's events carry when the sender knew none and no user id: its own. */
export const conversionAnonymousId = (id: string): string => `conversion:${id}`;

/**
 * A conversion's two events, in order: the identify (who), then the track event (what). Without an
 * anonymous or user id, both carry an anonymous id of the conversion's own, which the e-mail or phone
 * joins to the person.
 */
export function conversionEvents(c: Conversion): Record<string, unknown>[] {
  const who: Record<string, unknown> = {};
  if (c.anonymousId !== undefined) who.anonymousId = c.anonymousId;
  if (c.userId !== undefined) who.userId = c.userId;
  if (c.anonymousId === undefined && c.userId === undefined)
    who.anonymousId = conversionAnonymousId(c.id);
  const traits: Record<string, unknown> = {};
  if (c.email !== undefined) traits.email = c.email;
  if (c.phone !== undefined) traits.phone = c.phone;
  const properties: Record<string, unknown> = {
    ...c.properties,
    conversion_id: c.id,
    conversion_type: c.type,
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.value !== undefined ? { value: c.value, currency: c.currency } : {}),
    ...traits,
  };
  const events: Record<string, unknown>[] = [];
  if (Object.keys(traits).length > 0)
    events.push({
      type: 'identify',
      messageId: `conversion:${c.id}:identify`,
      timestamp: c.occurredAt,
      ...who,
      traits,
    });
  events.push({
    type: 'track',
    event: CONVERSION_EVENTS[c.type],
    messageId: `conversion:${c.id}:track`,
    timestamp: c.occurredAt,
    ...who,
    properties,
  });
  return events;
}
