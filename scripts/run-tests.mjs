// Runs every colocated *.test.ts under node's own test runner (through tsx),
// printing the spec report and keeping a TAP copy that .ci/run counts from.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
// A hang fails its test after two minutes (a test that needs longer says so with its own { timeout })
// rather than stalling the run.
const TEST_TIMEOUT_MS = 120_000;
// the server serves the snippet as the build leaves it: build it first (a second or two)
const built = spawnSync(process.execPath, ['--import', 'tsx', 'tracker/build.ts'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) process.exit(built.status ?? 1);
const res = spawnSync(
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
    '--test-reporter-destination=.test-results.tap',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
