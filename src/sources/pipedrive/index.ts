// The Pipedrive connector's surface: webhook Basic auth, payload schemas (webhooks v2 and v1, API
// answers), the mapping to funnel milestones and change records, and the backfill client
// (docs/crm.md).
export * from './basic-auth.js';
export * from './schemas.js';
export * from './webhook-schemas.js';
export * from './mapping.js';
export * from './deal-changes.js';
export * from './person-changes.js';
export * from './webhook-changes.js';
export * from './deal-record.js';
export * from './client.js';
