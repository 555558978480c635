// Entry point of the lazy part (served as `/cl.js?<hash>`, requested by cl.js: see ../handoff.ts). It
// takes over delivery after a failure (delivery.ts), starts the SPA watcher (spa.ts), and handles the
// submits and link clicks cl.js queued before it ran, in order, then each later one as it comes. The
// build wraps it in try/catch too.
import { safe } from '../dom.js';
import type { Handoff } from '../shared.js';
import { core } from './core.js';
import { submitted } from './forms.js';
import { clicked } from './links.js';
import './anonymous-field.js';
import './delivery.js';
import './spa.js';

const queued = core.$q as Handoff[];
// A click in a link (an <a>, or an element inside one).
const handle = safe(([target, fields]: Handoff) =>
  fields ? submitted(target as HTMLFormElement, fields) : clicked(target.closest('a')!),
);
core.$q = { push: handle };
queued.map(handle);
