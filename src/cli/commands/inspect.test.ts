import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const events = [
  {
    type: 'page',
    messageId: 'a1',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:00:00Z',
    context: { page: { url: 'https://acme.io/?gclid=abc' } },
  },
  {
    type: 'identify',
    messageId: 'a2',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:05:00Z',
    traits: { email: 'a@acme.io' },
  },
  {
    type: 'page',
    messageId: 'b1',
    anonymousId: 'anon-b',
    timestamp: '2026-05-02T10:00:00Z',
    context: { page: { url: 'https://acme.io/?utm_source=newsletter&utm_medium=email' } },
  },
];

test('closedloop inspect: the derived rows as stored, per view, read-only', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = (
      JSON.parse(
        (
          await runCli([
            'workspace',
            'create',
            'Acme',
            '--currency',
            'USD',
            '--timezone',
            'UTC',
            '--data-dir',
            dir,
            '--json',
          ])
        ).stdout,
      ) as { id: string }
    ).id;
    const file = join(dir, 'e.ndjson');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
    assert.equal(
      (await runCli(['import', 'events', file, '--workspace', ws, '--data-dir', dir])).code,
      0,
    );
    const view = async (...args: string[]) => {
      const r = await runCli(['inspect', ...args, '--workspace', ws, '--data-dir', dir, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, unknown>[];
    };
    const sessions = await view('sessions');
    assert.deepEqual(
      sessions.map((s) => [s.anonymousId, s.channel, s.source]),
      [
        ['anon-a', 'Paid Search', 'google'],
        ['anon-b', 'Email', 'newsletter'],
      ],
    );
    assert.deepEqual((await view('sessions', '--anonymous-id', 'anon-b')).length, 1);
    assert.deepEqual(
      Object.fromEntries((await view('channels')).map((c) => [c.channel, c.sessions])),
      { 'Paid Search': 1, Email: 1 },
    );
    const ids = await view('identities');
    const ada = ids.find((r) => r.value === 'a@acme.io')!.person as string;
    assert.deepEqual(
      ids
        .filter((r) => r.person === ada)
        .map((r) => `${r.kind}:${r.value}`)
        .sort(),
      ['anonymous_id:anon-a', 'email:a@acme.io'],
    );
    assert.deepEqual(await view('leads'), [{ channel: 'Paid Search', leads: 1 }]);
    const credits = await view('credits', '--person', ada);
    assert.ok(
      credits.some(
        (c) => c.model === 'first_touch' && c.channel === 'Paid Search' && c.weight === 1,
      ),
      JSON.stringify(credits),
    );
    const noPerson = await runCli(['inspect', 'credits', '--workspace', ws, '--data-dir', dir]);
    assert.equal(noPerson.code, 2);
    assert.match(noPerson.stderr, /--person/);
  } finally {
    cleanup();
  }
});
