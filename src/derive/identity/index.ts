// Identity resolution: normalise identifiers, join them into persons, guard against over-merging, keep
// person ids stable and report merges and splits. Pure functions; see docs/identity.md.
export * from './types.js';
export * from './normalise.js';
export {
  IdentityGraph,
  resolveIdentities,
  DEFAULT_MAX_EMAILS_PER_IDENTIFIER,
  DEFAULT_MAX_USERS_PER_IDENTIFIER,
} from './graph.js';
export { personIdFor, type PersonIdHash } from './person-ids.js';
export { normaliseLinks, type LinkRow } from './edges.js';
export {
  deviceSpans,
  sharedDeviceSpans,
  type DeviceLinkFact,
  type DeviceSpanRow,
} from './device-spans.js';
