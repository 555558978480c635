// The generic CRM import (CSV, NDJSON or a JSON array): the column set and `--map`, value rules for
// amounts and dates, rows to change and revenue records, the streaming reader and a writer
// (docs/crm.md, "The CRM CSV/JSON format").
export * from './columns.js';
export * from './values.js';
export * from './mapping.js';
export * from './row-reader.js';
export * from './rows.js';
export * from './read.js';
export * from './write.js';
export * from './world.js';
