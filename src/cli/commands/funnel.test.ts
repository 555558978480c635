import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

test('funnel set and show change and print a workspace funnel; an undefined milestone exits 2 naming it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const created = await runCli([
      'workspace',
      'create',
      'cli',
      '--currency',
      'USD',
      '--timezone',
      'UTC',
      '--data-dir',
      dir,
      '--json',
    ]);
    const ws = (JSON.parse(created.stdout) as { id: string }).id;
    const file = join(dir, 'funnel.json');
    writeFileSync(
      file,
      JSON.stringify({
        milestones: ['lead', 'meeting_booked', 'customer'],
        crm: { pipedrive: { activityTypes: { meeting: 'meeting_booked' } } },
      }),
    );
    const set = await runCli(['funnel', 'set', file, '--workspace', ws, '--data-dir', dir]);
    assert.equal(set.code, 0, set.stderr);
    const shown = await runCli(['funnel', 'show', '--workspace', ws, '--data-dir', dir]);
    assert.equal(shown.code, 0, shown.stderr);
    const out = JSON.parse(shown.stdout) as {
      funnel: { milestones: string[]; crm: { pipedrive: unknown } };
      stock: { hubspot: unknown };
    };
    assert.deepEqual(out.funnel.milestones, ['lead', 'meeting_booked', 'customer']);
    assert.deepEqual(out.funnel.crm.pipedrive, { activityTypes: { meeting: 'meeting_booked' } });
    assert.ok(out.stock.hubspot);

    writeFileSync(file, JSON.stringify({ crm: { hubspot: { wonDealMilestone: 'paying' } } }));
    const bad = await runCli(['funnel', 'set', file, '--workspace', ws, '--data-dir', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /crm\.hubspot\.wonDealMilestone: "paying" is not a milestone/);
    const again = await runCli(['funnel', 'show', '--workspace', ws, '--data-dir', dir]);
    assert.deepEqual(
      (JSON.parse(again.stdout) as { funnel: { milestones: string[] } }).funnel.milestones,
      ['lead', 'meeting_booked', 'customer'],
    );
  } finally {
    cleanup();
  }
});
