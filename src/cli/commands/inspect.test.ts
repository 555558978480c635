import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliWorkspaceWith, runCli, TWO_LEADS } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

test('closedloop inspect: the derived rows as stored, per view, read-only', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = await cliWorkspaceWith(dir, TWO_LEADS);
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
    assert.deepEqual(Object.fromEntries((await view('leads')).map((l) => [l.channel, l.leads])), {
      'Paid Search': 1,
      Email: 1,
    });
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
