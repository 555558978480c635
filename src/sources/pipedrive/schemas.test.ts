import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEntity, parseOffsetPage, pipedriveTime, PipedrivePayloadError } from './schemas.js';
import { parseWebhookBody, parseWebhookText, isEntityEvent } from './webhook-schemas.js';
import {
  pipedriveFixture,
  pipedriveFixtureText,
  type PipedriveFixture,
} from '../../test-helpers/pipedrive-fixtures.js';

const at = (iso: string) => Date.parse(iso);

test('webhooks v2: meta, data and previous, with the timestamp as ISO text, epoch seconds or digits', () => {
  const create = parseWebhookText(pipedriveFixtureText('webhook.v2.deal.create'));
  assert.equal(create.version, 2);
  assert.equal(create.action, 'create');
  assert.equal(create.entityId, '4500');
  assert.equal(create.eventId, '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d');
  assert.equal(create.companyId, '7003001');
  assert.equal(create.timestamp, at('2026-01-25T10:00:00.412Z'));
  assert.equal(create.attempt, 1);
  assert.equal(create.previous, null);
  assert.ok(isEntityEvent(create, 'deal'));
  assert.equal(create.data?.stage_id, '1');
  assert.equal(create.data?.person_id, '101');
  assert.equal(create.data?.value, 10000);

  const moved = parseWebhookBody(pipedriveFixture('webhook.v2.deal.change-stage'));
  assert.equal(moved.timestamp, at('2026-02-01T09:00:00Z')); // 1769936400 s
  assert.ok(isEntityEvent(moved, 'deal'));
  assert.deepEqual(moved.previous, {
    stage_id: '1',
    update_time: '2026-01-25T10:00:00Z',
    stage_change_time: null,
  });

  const won = parseWebhookBody(pipedriveFixture('webhook.v2.deal.change-won'));
  assert.equal(won.timestamp, at('2026-02-14T11:00:00Z')); // "1771066800"
  assert.equal(won.attempt, 2);
  assert.ok(isEntityEvent(won, 'deal'));
  assert.equal(won.data?.status, 'won');
  assert.equal(won.previous?.status, 'open');

  // a millisecond epoch is read as such
  const body = pipedriveFixture<{ meta: Record<string, unknown> }>('webhook.v2.deal.create');
  body.meta.timestamp = 1769335200412;
  assert.equal(parseWebhookBody(body).timestamp, 1769335200412);
});

test('webhooks v2: a delete has no data and the last state in previous; a merge names the survivor', () => {
  const gone = parseWebhookBody(pipedriveFixture('webhook.v2.deal.delete-merged'));
  assert.equal(gone.action, 'delete');
  assert.equal(gone.data, null);
  assert.equal(gone.mergedToId, '4500');
  assert.ok(isEntityEvent(gone, 'deal'));
  assert.equal(gone.previous?.id, '4503');
  assert.equal(gone.previous?.person_id, '101');

  const person = parseWebhookBody(pipedriveFixture('webhook.v2.person.create'));
  assert.ok(isEntityEvent(person, 'person'));
  assert.deepEqual(
    person.data?.emails.map((e) => e.value),
    ['alan@example.net'],
  );
  const activity = parseWebhookBody(pipedriveFixture('webhook.v2.activity.create'));
  assert.ok(isEntityEvent(activity, 'activity'));
  assert.equal(activity.data?.type, 'meeting');
  assert.equal(activity.data?.participants?.[0]?.person_id, '101');
});

test('the v1 shape is tolerated: current/previous, added/updated actions, retry counted from 0', () => {
  const lost = parseWebhookBody(pipedriveFixture('webhook.v1.deal.updated'));
  assert.equal(lost.version, 1);
  assert.equal(lost.action, 'change');
  assert.equal(lost.vendorAction, 'updated');
  assert.equal(lost.entityId, '4501');
  assert.equal(lost.eventId, null);
  assert.equal(lost.timestamp, at('2026-03-02T10:00:00Z'));
  assert.ok(isEntityEvent(lost, 'deal'));
  assert.equal(lost.data?.status, 'lost');
  assert.equal(lost.data?.person_id, '102'); // v1's linked object, read by its value
  assert.equal(lost.data?.lost_time, '2026-03-02 10:00:00');
  assert.equal(lost.previous?.status, 'open');

  const added = parseWebhookBody(pipedriveFixture('webhook.v1.person.added'));
  assert.equal(added.action, 'create');
  assert.equal(added.attempt, 2);
  assert.ok(isEntityEvent(added, 'person'));
  assert.deepEqual(
    added.data?.email.map((e) => e.value),
    ['grace@example.org'],
  );
});

test('every fixture of either version parses; an entity we do not map keeps its raw data', () => {
  const names: PipedriveFixture[] = [
    'webhook.v2.deal.create',
    'webhook.v2.deal.change-stage',
    'webhook.v2.deal.change-won',
    'webhook.v2.deal.delete-merged',
    'webhook.v2.person.create',
    'webhook.v2.activity.create',
    'webhook.v1.deal.updated',
    'webhook.v1.person.added',
  ];
  for (const name of names)
    assert.doesNotThrow(() => parseWebhookText(pipedriveFixtureText(name)), name);
  const body = pipedriveFixture<{ meta: Record<string, unknown>; data: unknown }>(
    'webhook.v2.deal.create',
  );
  body.meta.entity = 'note';
  body.data = { id: 5, content: 'hello' };
  const note = parseWebhookBody(body);
  assert.equal(note.entity, 'note');
  assert.deepEqual(note.data, { id: 5, content: 'hello' });
});

test('a malformed body fails with the path of the field', () => {
  type Body = Record<'meta' | 'data' | 'previous', Record<string, unknown>>;
  const fails = (mutate: (b: Body) => unknown, path: string) => {
    const body = pipedriveFixture<Body>('webhook.v2.deal.change-stage');
    const replaced = mutate(body);
    assert.throws(
      () => parseWebhookBody(replaced === undefined ? body : replaced),
      (err: unknown) => err instanceof PipedrivePayloadError && err.path === path,
      path,
    );
  };
  fails((b) => void delete b.meta.timestamp, 'meta.timestamp');
  fails((b) => void (b.meta.timestamp = 'yesterday'), 'meta.timestamp');
  fails((b) => void (b.meta.action = 'updated'), 'meta.action');
  fails((b) => void (b.meta.version = '1.0'), 'meta.version');
  fails((b) => void (b.meta.entity_id = 'abc'), 'meta.entity_id');
  fails((b) => void (b.data.status = 'closed'), 'data.status');
  fails((b) => void (b.data.add_time = 'soon'), 'data.add_time');
  fails((b) => void (b.previous.stage_id = 'x'), 'previous.stage_id');
  fails((b) => void (b.meta.action = 'delete'), 'data');
  fails((b) => [b], '(root)');
  assert.throws(() => parseWebhookText('{"meta":'), /not JSON/);
});

test('times: RFC 3339 (v2), "YYYY-MM-DD HH:MM:SS" in UTC (v1), or a date alone', () => {
  assert.equal(pipedriveTime('2026-02-14T11:00:00Z'), at('2026-02-14T11:00:00Z'));
  assert.equal(pipedriveTime('2026-02-14T13:00:00+02:00'), at('2026-02-14T11:00:00Z'));
  assert.equal(pipedriveTime('2026-02-14 11:00:00'), at('2026-02-14T11:00:00Z'));
  assert.equal(pipedriveTime('2026-02-14'), at('2026-02-14T00:00:00Z'));
  for (const bad of ['', null, undefined, 'soon', '14/02/2026'])
    assert.equal(pipedriveTime(bad), null, String(bad));
});

test('API objects of both versions read the same; v1 offset pages carry their pagination', () => {
  const v1 = parseOffsetPage(pipedriveFixture('api.v1.deals.page1'));
  assert.deepEqual(v1.additional_data?.pagination, {
    start: 0,
    limit: 2,
    more_items_in_collection: true,
    next_start: 2,
  });
  const v1deal = parseEntity('deal', v1.data![0]);
  const v2deal = parseEntity(
    'deal',
    pipedriveFixture<{ data: unknown[] }>('api.v2.deals.page1').data[0],
  );
  for (const field of [
    'id',
    'person_id',
    'org_id',
    'stage_id',
    'pipeline_id',
    'status',
    'currency',
  ] as const)
    assert.equal(v1deal[field], v2deal[field], field);
  assert.equal(pipedriveTime(v1deal.won_time), pipedriveTime(v2deal.won_time));
  assert.equal(v1deal.user_id, '9001');
  // v1 custom fields are top-level hash keys: kept
  assert.equal(v1deal['5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c'], 'a custom field');
});
