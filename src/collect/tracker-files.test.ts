import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeTracker } from '../../tracker/build.js';
import { tempDir } from '../test-helpers/tmp.js';
import { loadTracker } from './tracker-files.js';

test('the server reads the snippet the build wrote, and says how to build it when it is missing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(
      loadTracker(dir),
      /the browser snippet is not built .* \(run `npm run build`\)/,
    );
    const built = await writeTracker(dir);
    const loaded = await loadTracker(dir);
    assert.equal(loaded.code, built.code);
    assert.deepEqual(loaded.lazy, { code: built.lazy.code, hash: built.lazy.hash });
    assert.ok(loaded.code.includes(built.lazy.hash), 'cl.js names its lazy part');
  } finally {
    cleanup();
  }
});
