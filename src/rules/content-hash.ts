// What a missing messageId is made from: the fields that say what happened, when and to whom, in this
// order. An event without a messageId gets "h-" and an MD5 over them, so a client's retry or a file
// imported twice is stored once. The API (collect/canonical-event.ts), DuckDB's import normaliser and
// ClickHouse's import all hash these fields.
export const CONTENT_HASH_FIELDS = [
  'type',
  'anonymousId',
  'userId',
  'timestamp',
  'originalTimestamp',
  'event',
  'name',
  'previousId',
  'groupId',
  'properties',
  'traits',
  'context',
] as const;
