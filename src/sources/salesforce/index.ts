// The Salesforce connector's surface: payload schemas (SOQL pages, records, Change Data Capture events),
// Outbound Messages and their Ack, the state change events leave a record in, the mapping to funnel
// milestones and change records, and the REST/SOQL backfill client (docs/crm.md).
export * from './schemas.js';
export * from './cdc-schemas.js';
export * from './xml.js';
export * from './outbound-message.js';
export * from './cdc-state.js';
export * from './mapping.js';
export * from './person-changes.js';
export * from './opportunity-changes.js';
export * from './cdc-changes.js';
export * from './soql.js';
export * from './client-types.js';
export * from './client.js';
