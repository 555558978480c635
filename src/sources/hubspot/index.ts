// The HubSpot connector's surface: webhook signatures, payload schemas, the state webhook events leave
// an object in, the mapping to funnel milestones and change records, and the backfill client
// (docs/crm.md).
export * from './signature.js';
export * from './schemas.js';
export * from './webhook-schemas.js';
export * from './webhook-state.js';
export * from './mapping.js';
export * from './contact-changes.js';
export * from './deal-changes.js';
export * from './webhook-changes.js';
export * from './client.js';
export * from './incremental.js';
