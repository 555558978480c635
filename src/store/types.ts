// The domain types the store speaks, by area (src/store/areas/): engine-neutral, no SQL.
export * from './areas/engine.js';
export * from './areas/workspaces.js';
export * from './areas/settings.js';
export * from './areas/leases.js';
export * from './areas/events.js';
export * from './areas/dead-letters.js';
export * from './areas/derive-scope.js';
export * from './areas/user-agents.js';
export * from './areas/sessions.js';
export * from './areas/identity.js';
export * from './areas/milestones.js';
export * from './areas/journeys.js';
export * from './areas/credits.js';
export * from './areas/redaction.js';
export * from './areas/privacy.js';
export * from './areas/inspection.js';
export * from './areas/crm.js';
