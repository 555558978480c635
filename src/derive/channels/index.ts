// Channel rules: source lists, source/medium derivation, rules as data, explain and diff.
export * from './source-lists.js';
export * from './landing-params.js';
export * from './source-medium.js';
export * from './rule-schema.js';
export * from './default-rules.js';
export * from './rules.js';
export * from './rules-config.js';
export * from './explain.js';
export * from './diff.js';
