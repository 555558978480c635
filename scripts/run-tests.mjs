// Runs every colocated *.test.ts under node's own test runner (through tsx),
// printing the spec report and keeping a TAP copy that .ci/run counts from.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['src', 'tracker', 'bench', 'scripts'];
const only = process.argv.slice(2);
function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const files = roots
  .flatMap((r) => walk(r, []))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// A hang fails after two minutes rather than stalling the run. Each file runs as one test of this
// runner, so the two minutes bound the whole file: a test's own { timeout } cannot extend them (a file
// whose tests need longer is split).
const TEST_TIMEOUT_MS = 120_000;
// the server serves the snippet as the build leaves it: build it first (a second or two)
const built = spawnSync(process.execPath, ['--import', 'tsx', 'tracker/build.ts'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) process.exit(built.status ?? 1);
// CLOSEDLOOP_TEST_ENGINES=duckdb,clickhouse runs the whole suite once per data engine (CI does), each run
// choosing its engine through CLOSEDLOOP_TEST_ENGINE; the TAP copy then ends with the totals of all runs.
const engines = (process.env.CLOSEDLOOP_TEST_ENGINES ?? '')
  .split(',')
  .map((e) => e.trim())
  .filter((e) => e !== '');
function runOn(engine, tap) {
  if (engine) process.stdout.write(`\n# data engine: ${engine}\n`);
  return (
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        `--test-timeout=${TEST_TIMEOUT_MS}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      {
        stdio: 'inherit',
        env: engine ? { ...process.env, CLOSEDLOOP_TEST_ENGINE: engine } : process.env,
      },
    ).status ?? 1
  );
}
if (engines.length === 0) process.exit(runOn(undefined, '.test-results.tap'));
let status = 0;
const totals = { pass: 0, fail: 0 };
const parts = [];
for (const engine of engines) {
  const tap = `.test-results.${engine}.tap`;
  status = runOn(engine, tap) || status;
  const text = readFileSync(tap, 'utf8');
  parts.push(`# data engine: ${engine}\n${text}`);
  for (const k of ['pass', 'fail']) {
    const m = [...text.matchAll(new RegExp(`^# ${k} (\\d+)`, 'gm'))].at(-1);
    // a run that reported nothing counts as failed
    if (m) totals[k] += Number(m[1]);
    else if (k === 'fail') totals.fail += 1;
  }
  rmSync(tap, { force: true });
}
writeFileSync(
  '.test-results.tap',
  `${parts.join('\n')}\n# all engines (${engines.join(', ')})\n# pass ${totals.pass}\n# fail ${totals.fail}\n`,
);
process.stdout.write(
  `\n# all engines (${engines.join(', ')}): ${totals.pass} passed, ${totals.fail} failed\n`,
);
process.exit(status);
