// The replayed Stripe payloads under src/sources/stripe/fixtures/, written by hand from Stripe's documented shapes: one
// customer's story (Ada: a trial, 3 then 5 seats at $49 with 20% off for 3 months, a cancellation at
// period end) across both API shapes, and a clover-era discount.
import { readFileSync } from 'node:fs';

export const FIXTURE_NAMES = [
  'customer.created.2024-06-20',
  'customer.subscription.created.2024-06-20',
  'customer.subscription.updated.2025-03-31.basil',
  'customer.subscription.deleted.2025-03-31.basil',
  'invoice.paid.2024-06-20',
  'invoice.paid.2025-03-31.basil',
  'customer.discount.created.2025-09-30.clover',
] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** A fixture's raw text (what a webhook body would be). */
export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`../sources/stripe/fixtures/${name}.json`, import.meta.url), 'utf8');
}

/** A fixture, JSON-parsed: a fresh copy each call, free to change. */
export function fixture(name: FixtureName): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}
