// The Stripe connector's surface: webhook signatures, payload schemas, mapping to the revenue layer's
// histories and records, and the backfill client (docs/revenue.md).
export * from './signature.js';
export * from './schemas.js';
export * from './mapping.js';
export * from './client.js';
export * from './facts.js';
