// Pipedrive persons and activities as change records: a person gives a lead when added
// (`personMilestone`); an activity gives a record only when the workspace maps its type (e.g.
// `meeting` to `meeting_booked`).

import { emptyMatchKeys, type CrmChangeRecord, type CrmMatchKeys } from '../crm/records.js';
import { deleted, goneRecord, text, toSecond, unique, type ChangeOptions } from './deal-changes.js';
import { type PipedriveMapping } from './mapping.js';
import { pipedriveTime, type PipedriveActivity, type PipedrivePerson } from './schemas.js';

/** A person's e-mails (lower case), phones and anonymous id, whichever version named them. */
export function personMatch(
  person: Partial<PipedrivePerson> & { id: string },
  mapping: PipedriveMapping,
): CrmMatchKeys {
  const points = (list: Array<{ value: string }> | undefined) =>
    (list ?? []).map((p) => text(p.value));
  const field = mapping.anonymousIdField;
  const rawAnon = person.custom_fields?.[field] ?? (person as Record<string, unknown>)[field];
  return {
    emails: unique(
      [...points(person.emails), ...points(person.email)].map((e) => e?.toLowerCase() ?? null),
    ),
    phones: unique([...points(person.phones), ...points(person.phone)]),
    anonymousIds: unique([typeof rawAnon === 'string' ? text(rawAnon) : null]),
    contactIds: [person.id],
    companyIds: unique([person.org_id]),
  };
}

/** A person added to the CRM: a lead by default (`personMilestone`), dated by `add_time`. */
export function personChanges(
  person: PipedrivePerson,
  mapping: PipedriveMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const match = personMatch(person, mapping);
  const out: CrmChangeRecord[] = [];
  const added = pipedriveTime(person.add_time);
  const at = added ?? pipedriveTime(person.update_time);
  if (at !== null) {
    const t = toSecond(at);
    out.push({
      key: `pipedrive:contact:${person.id}:added:${t}`,
      source: 'pipedrive',
      account: options.companyId ?? null,
      objectType: 'contact',
      objectId: person.id,
      change: 'lifecycle_stage',
      occurredAt: t,
      timeSource: added !== null ? 'stage_date' : 'snapshot',
      stage: 'person',
      pipeline: null,
      milestone: mapping.personMilestone,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match,
    });
  } else {
    options.issues?.push({
      objectType: 'contact',
      objectId: person.id,
      message: 'no add_time or update_time: not dated',
    });
  }
  if (deleted(person))
    out.push(
      goneRecord('contact', person.id, at ?? 0, 'snapshot', null, options.companyId ?? null, match),
    );
  return out;
}

/** An activity of a type the workspace maps (a meeting booked): dated when it was added. */
export function activityChanges(
  activity: PipedriveActivity,
  mapping: PipedriveMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const type = text(activity.type);
  if (!type || !Object.hasOwn(mapping.activityTypes, type) || mapping.activityTypes[type] === null)
    return [];
  const at = pipedriveTime(activity.add_time) ?? pipedriveTime(activity.update_time);
  if (at === null) {
    options.issues?.push({
      objectType: 'activity',
      objectId: activity.id,
      message: 'no add_time: not dated',
    });
    return [];
  }
  const t = toSecond(at);
  return [
    {
      key: `pipedrive:activity:${activity.id}:${type}:${t}`,
      source: 'pipedrive',
      account: options.companyId ?? null,
      objectType: 'activity',
      objectId: activity.id,
      change: 'activity',
      occurredAt: t,
      timeSource: 'stage_date',
      stage: type,
      pipeline: null,
      milestone: mapping.activityTypes[type]!,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match: {
        ...emptyMatchKeys(),
        contactIds: unique([
          activity.person_id,
          ...(activity.participants ?? []).map((p) => p.person_id),
        ]),
        companyIds: unique([activity.org_id]),
      },
    },
  ];
}

/**
 * The records one webhook makes, either version: a deal created (its stage, and its status if it was
 * created won or lost), a deal's stage or status changed (`previous` names the changed fields), a
 * person added, a mapped activity added or retyped, and deletions and merges of deals, persons and
 * organizations. A re-delivery gives the same records (same keys).
 */
