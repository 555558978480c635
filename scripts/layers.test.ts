// The house's layers are lint rules (eslint.config.js): a backwards arrow, an engine package or engine SQL
// outside src/store/engines/ must fail `npm run lint`. Checked on code written for the purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('an import that runs back up a layer fails lint, naming what the layer may import', async () => {
  const p = await problems(
    'src/store/layer-probe.ts',
    "import { rebuild } from '../derive/derive.js';\nexport const x = rebuild;\n",
  );
  assert.equal(p.length, 1, p.join('\n'));
  assert.match(p[0]!, /^no-restricted-imports: .*src\/store may import only src\/util, src\/rules/);
  // the same import one layer up is allowed
  assert.deepEqual(
    await problems(
      'src/server/layer-probe.ts',
      "import { rebuild } from '../derive/derive.js';\nexport const x = rebuild;\n",
    ),
    [],
  );
  // the attribution models are pure: not even the CLI's error type
  assert.equal(
    (
      await problems(
        'src/attribution/layer-probe.ts',
        "import { UsageError } from '../cli/errors.js';\nexport const x = UsageError;\n",
      )
    ).length,
    1,
  );
  // production code never imports test helpers
  assert.equal(
    (
      await problems(
        'src/derive/layer-probe.ts',
        "import { tempDir } from '../test-helpers/tmp.js';\nexport const x = tempDir;\n",
      )
    ).length,
    1,
  );
});

test('an engine package or engine SQL outside src/store/engines/ fails lint; inside, it is allowed', async () => {
  const code =
    "import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\nexport const q = 'SELECT 1 FROM events';\n";
  const outside = await problems('src/derive/engine-probe.ts', code);
  assert.deepEqual(outside.map((m) => m.split(':')[0]).sort(), [
    'no-restricted-imports',
    'no-restricted-syntax',
  ]);
  assert.deepEqual(await problems('src/store/engines/duckdb/engine-probe.ts', code), []);
});

test("an engine's internals are its own: only its <engine>-store.ts is imported from outside its folder", async () => {
  const inner =
    "import { sqlString } from './engines/duckdb/connection.js';\nexport const x = sqlString;\n";
  assert.equal((await problems('src/store/engine-probe.ts', inner)).length, 1);
  const entry =
    "import { openDuckDbStore } from './engines/duckdb/duckdb-store.js';\nexport const x = openDuckDbStore;\n";
  assert.deepEqual(await problems('src/store/engine-probe.ts', entry), []);
  const fromModel =
    "import { openDuckDbStore } from '../store/engines/duckdb/duckdb-store.js';\nexport const x = openDuckDbStore;\n";
  assert.match(
    (await problems('src/derive/engine-probe.ts', fromModel))[0] ?? '',
    /only src\/store\/ opens an engine/,
  );
});

test('revenue is pure (util only); sources sit above it and below the store', async () => {
  const importing = (from: string, what: string) =>
    problems(from, `import * as m from '${what}';\nexport const x = m;\n`);
  assert.match(
    (await importing('src/revenue/layer-probe.ts', '../store/store.js'))[0] ?? '',
    /src\/revenue may import only src\/util/,
  );
  assert.equal(
    (await importing('src/revenue/layer-probe.ts', '../sources/stripe/client.js')).length,
    1,
  );
  assert.deepEqual(
    await importing('src/sources/stripe/layer-probe.ts', '../../revenue/index.js'),
    [],
  );
  assert.equal(
    (await importing('src/sources/stripe/layer-probe.ts', '../../store/store.js')).length,
    1,
  );
  assert.deepEqual(await importing('src/server/layer-probe.ts', '../sources/stripe/index.js'), []);
});
