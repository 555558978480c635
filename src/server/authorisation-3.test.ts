// The authorisation test generated from the route table, slice 3 of 3 (test-helpers/authorisation.ts):
// every route of the slice, called by every kind of caller, gets exactly the access it declares.
import { test } from 'node:test';
import { walkRoutes } from '../test-helpers/authorisation.js';

test(
  'routes 3/3, every kind of caller: exactly the access the route table declares',
  { timeout: 110_000 },
  () => walkRoutes(2, 3),
);
