// The browser snippet as `npm run build` leaves it (tracker/build.ts writes dist/tracker/): the server
// reads the files at start, so nothing is bundled at run time and the bundler is a dev dependency.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// src/collect and dist/collect both sit two levels below the package root
export const TRACKER_DIR = fileURLToPath(new URL('../../dist/tracker', import.meta.url));
export const TRACKER_FILES = {
  core: 'cl.js',
  lazy: 'cl-lazy.js',
  manifest: 'manifest.json',
} as const;

export interface TrackerFiles {
  code: string;
  lazy: { code: string; hash: string };
}

/** The built snippet, or an error saying how to build it. */
export async function loadTracker(dir = TRACKER_DIR): Promise<TrackerFiles> {
  try {
    const [code, lazyCode, manifest] = await Promise.all(
      [TRACKER_FILES.core, TRACKER_FILES.lazy, TRACKER_FILES.manifest].map((f) =>
        readFile(`${dir}/${f}`, 'utf8'),
      ),
    );
    const { lazyHash } = JSON.parse(manifest!) as { lazyHash: string };
    return { code: code!, lazy: { code: lazyCode!, hash: lazyHash } };
  } catch (err) {
    throw new Error(
      `the browser snippet is not built in ${dir} (run \`npm run build\`): ${(err as Error).message}`,
      { cause: err },
    );
  }
}
