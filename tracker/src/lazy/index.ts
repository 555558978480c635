// Entry point of the lazy part (served as `/cl.js?<hash>`, requested by cl.js: see ../handoff.ts). It
// handles the submits and link clicks cl.js queued before it ran, in order, then each later one as it
// comes. The build wraps it in try/catch too.
import { safe } from '../dom.js';
import type { Handoff } from '../shared.js';
import { core } from './core.js';
import { submitted } from './forms.js';
import { clicked } from './links.js';

const queued = core.$q as Handoff[];
const handle = safe(([element, fields]: Handoff) => (fields ? submitted(element as HTMLFormElement, fields) : clicked(element as HTMLAnchorElement)));
core.$q = { push: handle };
queued.map(handle);
