import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register, runExplain, runRules } from './channels.js';
import { UsageError } from '../errors.js';

async function run(args: string[]): Promise<string> {
  const program = new Command('closedloop').exitOverride();
  register(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('channels explain prints a readable explanation', async () => {
  const out = await run([
    'channels',
    'explain',
    '--url',
    'https://ex.com/?gclid=AbC&campaignid=42',
    '--referrer',
    'https://www.google.com/',
  ]);
  assert.match(out, /^Source \/ medium\s+google \/ cpc$/m);
  assert.match(out, /^Decided by\s+click id: gclid → google \/ cpc$/m);
  assert.match(out, /^Channel\s+Paid Search$/m);
  assert.match(out, /^Platform\s+Google$/m);
  assert.match(out, /^Rule\s+#4 paid-search$/m);
  assert.match(out, /^Tried before\s+#1 direct, #2 cross-network, #3 paid-shopping$/m);
  assert.match(out, /^Click ids\s+gclid=AbC$/m);
  assert.match(out, /^Ad ids\s+campaignId=42$/m);
});

test('channels explain --json, with --own-host', async () => {
  const out = await run([
    'channels',
    'explain',
    '--url',
    'https://shop.ex.com/',
    '--referrer',
    'https://ex.com/blog',
    '--own-host',
    'ex.com',
    '--json',
  ]);
  const x = JSON.parse(out) as {
    source: string;
    medium: string;
    channel: string;
    decidedBy: string;
    rule: { id: string; position: number };
  };
  assert.equal(x.source, '(direct)');
  assert.equal(x.channel, 'Direct');
  assert.equal(x.decidedBy, 'direct');
  assert.deepEqual([x.rule.id, x.rule.position], ['direct', 1]);
});

test('channels explain with a rules file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'channels-cli-'));
  try {
    const file = join(dir, 'rules.json');
    await writeFile(file, JSON.stringify({ move: [{ rule: 'email', before: 'referral' }] }));
    const out = await runExplain({
      url: 'https://ex.com/?utm_source=email&utm_medium=referral',
      rules: file,
      json: true,
    });
    assert.equal((JSON.parse(out) as { channel: string }).channel, 'Email');
    const listed = await runRules({ rules: file });
    assert.match(listed, /^#13 email → Email$/m);
    assert.match(listed, /^#14 referral → Referral$/m);

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        before: [{ id: 'x', channel: 'X', when: { field: 'source', op: 'eq', value: 'a' } }],
      }),
    );
    await assert.rejects(runExplain({ url: 'https://ex.com/', rules: bad }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.field, '--rules');
      assert.match(err.message, /before\[0\]\.when\.op: unknown operator "eq"/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('channels explain rejects a missing or unusable URL as a usage error', async () => {
  await assert.rejects(
    runExplain({}),
    (err: unknown) => err instanceof UsageError && err.field === '--url',
  );
  await assert.rejects(
    runExplain({ url: 'http://[bad' }),
    (err: unknown) => err instanceof UsageError && /not a URL/.test(err.message),
  );
});

test('channels rules lists the 18 defaults in order', async () => {
  const out = await run(['channels', 'rules']);
  const ids = [...out.matchAll(/^#(\d+) (\S+) →/gm)].map((m) => m[2]);
  assert.equal(ids.length, 18);
  assert.deepEqual(ids.slice(12, 15), ['referral', 'email', 'affiliates']);
  const json = JSON.parse(await run(['channels', 'rules', '--json'])) as {
    rules: Array<{ id: string }>;
  };
  assert.equal(json.rules.length, 18);
});
