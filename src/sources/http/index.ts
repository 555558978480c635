// The vendor-neutral HTTP layer every connector client is built on (retries, rate windows, auth,
// timeouts, scrubbed errors).
export * from './client.js';
export * from './errors.js';
export * from './scrub.js';
export * from './timing.js';
