// The replayed Pipedrive payloads under src/sources/pipedrive/fixtures/, written by hand from
// Pipedrive's documented shapes: webhooks v2 (deal created, moved, won, merged away; a person and a
// meeting added) and v1 (a deal lost, a person added), and API answers: v2 pages of pipelines, stages,
// persons and deals (cursors), v1 pages of deals (start/limit) and deal changelogs.
import { readFileSync } from 'node:fs';

export const PIPEDRIVE_FIXTURES = [
  'webhook.v2.deal.create',
  'webhook.v2.deal.change-stage',
  'webhook.v2.deal.change-won',
  'webhook.v2.deal.delete-merged',
  'webhook.v2.person.create',
  'webhook.v2.activity.create',
  'webhook.v1.deal.updated',
  'webhook.v1.person.added',
  'api.v2.pipelines',
  'api.v2.stages.page1',
  'api.v2.stages.page2',
  'api.v2.persons.page1',
  'api.v2.persons.page2',
  'api.v2.deals.page1',
  'api.v2.deals.page2',
  'api.v1.deals.page1',
  'api.v1.deals.page2',
  'api.v1.changelog.4500.page1',
  'api.v1.changelog.4500.page2',
  'api.v1.changelog.4501',
  'api.v1.changelog.4502',
] as const;
export type PipedriveFixture = (typeof PIPEDRIVE_FIXTURES)[number];

/** A fixture's raw text (what a webhook body or an API answer would be). */
export function pipedriveFixtureText(name: PipedriveFixture): string {
  return readFileSync(
    new URL(`../sources/pipedrive/fixtures/${name}.json`, import.meta.url),
    'utf8',
  );
}

/** A fixture, JSON-parsed: a fresh copy each call, free to change. */
export function pipedriveFixture<T = unknown>(name: PipedriveFixture): T {
  return JSON.parse(pipedriveFixtureText(name)) as T;
}
