// The rules an event must pass, as data. They are rendered twice from this one list: as a JavaScript
// check for the live API (so a response can name the bad field at once; compiled into one function,
// compileRules) and as SQL by the store engine
// (so file imports and the journal loader apply exactly the same rules). A test feeds both the same
// events and requires the same verdicts. The time range rule (event-time.ts) comes after these.

import { ISO_DATE_TIME_PATTERN, parseIsoParts } from './iso-time.js';

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;

/** The fields an event's rules look at. */
export const RULE_FIELDS = [
  'type',
  'messageId',
  'anonymousId',
  'userId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'event',
  'name',
  'previousId',
  'groupId',
  'properties',
  'traits',
  'context',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** The date-time grammar (iso-time.ts), the same pattern in JavaScript and SQL. */
export { ISO_DATE_TIME_PATTERN };

export type Check =
  /** missing, null or empty */
  | { kind: 'blank'; field: RuleField }
  | { kind: 'notOneOf'; field: RuleField; values: readonly string[] }
  /**
   * an object or array where text is wanted; also text that looks like one ("{...}" or "[...]"), because
   * the SQL side reads these fields as text and cannot tell them apart
   */
  | { kind: 'notScalar'; field: RuleField }
  | { kind: 'bothBlank'; fields: readonly [RuleField, RuleField] }
  | { kind: 'notIsoDate'; field: RuleField }
  | { kind: 'notObject'; field: RuleField };

export interface EventRule {
  check: Check;
  /** the rule applies only to events of this type */
  forType?: string;
  field: string;
  reason: string;
}

export const STRING_FIELDS: readonly RuleField[] = [
  'messageId',
  'anonymousId',
  'userId',
  'event',
  'name',
  'previousId',
  'groupId',
];
export const DATE_FIELDS: readonly RuleField[] = [
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
];
const OBJECT_FIELDS: readonly RuleField[] = ['properties', 'traits', 'context'];

/** In the order a person fixing the input would want to read them; the first failing rule is reported. */
export const EVENT_RULES: readonly EventRule[] = [
  { check: { kind: 'blank', field: 'type' }, field: 'type', reason: 'is required' },
  {
    check: { kind: 'notOneOf', field: 'type', values: EVENT_TYPES },
    field: 'type',
    reason: `must be one of ${EVENT_TYPES.join(', ')}`,
  },
  ...STRING_FIELDS.map((f): EventRule => ({
    check: { kind: 'notScalar', field: f },
    field: f,
    reason: 'must be a string',
  })),
  {
    check: { kind: 'bothBlank', fields: ['anonymousId', 'userId'] },
    field: 'anonymousId',
    reason: 'userId or anonymousId is required',
  },
  {
    check: { kind: 'blank', field: 'event' },
    forType: 'track',
    field: 'event',
    reason: 'is required for track',
  },
  {
    check: { kind: 'blank', field: 'previousId' },
    forType: 'alias',
    field: 'previousId',
    reason: 'is required for alias',
  },
  {
    check: { kind: 'blank', field: 'groupId' },
    forType: 'group',
    field: 'groupId',
    reason: 'is required for group',
  },
  ...DATE_FIELDS.map((f): EventRule => ({
    check: { kind: 'notIsoDate', field: f },
    field: f,
    reason: 'is not an ISO-8601 date-time',
  })),
  ...OBJECT_FIELDS.map((f): EventRule => ({
    check: { kind: 'notObject', field: f },
    field: f,
    reason: 'must be an object',
  })),
];

/** The text the SQL side sees for a JSON value read as VARCHAR. */
function asText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Text bracketed like a JSON object or array (the test the SQL side can make on the text it reads). */
export function looksLikeContainer(s: string): boolean {
  return (s[0] === '{' && s.endsWith('}')) || (s[0] === '[' && s.endsWith(']'));
}

// Each check's verdict on the field's value, shared by the interpreter (fails) and the compiled checker.
const isBlank = (v: unknown): boolean => (asText(v) ?? '') === '';
const notOneOf = (v: unknown, values: readonly string[]): boolean => {
  const t = asText(v);
  return t === null || !values.includes(t.toLowerCase());
};
const notScalar = (v: unknown): boolean =>
  (typeof v === 'object' && v !== null) || (typeof v === 'string' && looksLikeContainer(v));
const notIsoDate = (v: unknown): boolean => {
  const t = asText(v);
  return t !== null && parseIsoParts(t) === undefined;
};
const notObject = (v: unknown): boolean =>
  v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v));

/** Whether the event breaks the check (the rules read as data: the reference the compiled checker is held to). */
export function fails(c: Check, e: Record<string, unknown>): boolean {
  switch (c.kind) {
    case 'blank':
      return isBlank(e[c.field]);
    case 'notOneOf':
      return notOneOf(e[c.field], c.values);
    case 'notScalar':
      return notScalar(e[c.field]);
    case 'bothBlank':
      return isBlank(e[c.fields[0]]) && isBlank(e[c.fields[1]]);
    case 'notIsoDate':
      return notIsoDate(e[c.field]);
    case 'notObject':
      return notObject(e[c.field]);
  }
}

/** The first rule the event breaks, by reading the rules as data (checkEvent is this, compiled). */
export function firstBrokenRule(
  rules: readonly EventRule[],
  e: Record<string, unknown>,
): { field: string; reason: string } | undefined {
  const type = (asText(e.type) ?? '').toLowerCase();
  for (const r of rules) {
    if (r.forType !== undefined && r.forType !== type) continue;
    if (fails(r.check, e)) return { field: r.field, reason: r.reason };
  }
  return undefined;
}

type Checker = (e: Record<string, unknown>) => { field: string; reason: string } | undefined;

/**
 * The rules compiled into one function of straight-line tests, each reading its field by name. Read as
 * data (firstBrokenRule), every rule reads `e[field]` with a varying name, a lookup V8 cannot specialise
 * (megamorphic): that took ~0.3 µs an event. The code is generated from the rules alone (names and
 * values as JSON literals), and the value checks are the same functions firstBrokenRule calls.
 */
export function compileRules(rules: readonly EventRule[]): Checker {
  const read = (f: RuleField) => `e[${JSON.stringify(f)}]`;
  const values: (readonly string[])[] = [];
  const test = (c: Check): string => {
    switch (c.kind) {
      case 'blank':
        return `isBlank(${read(c.field)})`;
      case 'notOneOf':
        values.push(c.values);
        return `notOneOf(${read(c.field)}, values[${values.length - 1}])`;
      case 'notScalar':
        return `notScalar(${read(c.field)})`;
      case 'bothBlank':
        return `(isBlank(${read(c.fields[0])}) && isBlank(${read(c.fields[1])}))`;
      case 'notIsoDate':
        return `notIsoDate(${read(c.field)})`;
      case 'notObject':
        return `notObject(${read(c.field)})`;
    }
  };
  const verdicts = rules.map((r) => Object.freeze({ field: r.field, reason: r.reason }));
  const body = rules
    .map((r, i) => {
      const only = r.forType === undefined ? '' : `type === ${JSON.stringify(r.forType)} && `;
      return `if (${only}${test(r.check)}) return verdicts[${i}];`;
    })
    .join('\n');
  const make = new Function(
    'asText',
    'isBlank',
    'notOneOf',
    'notScalar',
    'notIsoDate',
    'notObject',
    'values',
    'verdicts',
    `return function checkEvent(e) {\nconst type = (asText(e.type) ?? '').toLowerCase();\n${body}\nreturn undefined;\n};`,
  ) as (...deps: unknown[]) => Checker;
  return make(asText, isBlank, notOneOf, notScalar, notIsoDate, notObject, values, verdicts);
}

const compiled = compileRules(EVENT_RULES);

/** The first rule the event breaks, or undefined when it is valid. */
export function checkEvent(
  e: Record<string, unknown>,
): { field: string; reason: string } | undefined {
  return compiled(e);
}
