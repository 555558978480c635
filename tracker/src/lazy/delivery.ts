// Delivery after something went wrong, which cl.js requests this part for: a send failed (cl.js put the
// batch back into its outbox), or an earlier page left events unsent. From here on every event not yet
// acknowledged (queued, in flight, or back from a failed send) is mirrored to localStorage ("_cl_q",
// while storing is allowed; removed once empty), so a page closed before its events were acknowledged
// leaves them to the next page; a failed batch is retried after 1 s, 2 s, 4 s … (at most 64 s); and what
// an earlier page left is sent now, with this page's events (100 at most).
import type { TrackerEvent } from '../api.js';
import { safe } from '../dom.js';
import { core } from './core.js';

const KEY = '_cl_q';
let failures = 0;
/** The events not yet acknowledged (cl.js's outbox holds only those not yet sent). */
let kept: TrackerEvent[] = [];

/**
 * Adds what the outbox holds now to the kept events, drops an `acknowledged` batch, and mirrors the
 * rest; nothing while storing is not allowed (off forgets them). localStorage may be missing or throw
 * (storage disabled, sandboxed frame): then nothing is kept.
 */
const save = safe((acknowledged: TrackerEvent[] = []) => {
  const outbox = core.$o();
  kept = core.$s()
    ? [
        ...kept.filter((event) => !outbox.includes(event) && !acknowledged.includes(event)),
        ...outbox,
      ]
    : [];
  if (kept[0]) localStorage[KEY] = JSON.stringify(kept);
  else delete localStorage[KEY];
});

safe(() => {
  const outbox = core.$o();
  outbox.push(...(JSON.parse(localStorage[KEY]) as TrackerEvent[]).slice(0, 100 - outbox.length));
})();

core.$h = (failed, batch) => {
  save(failed === false ? batch : undefined);
  if (failed) setTimeout(core.$f, 1e3 << (failures < 6 ? failures++ : 6));
  else if (failed === false) failures = 0;
};
save();
core.$f();
