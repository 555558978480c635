// What cl.js shares with the lazy part (see ../shared.ts), and the comma lists the lazy part reads.
import type { Shared } from '../shared.js';

export const core = (self as unknown as { closedloop: Shared }).closedloop;

/** A comma list attribute (spaces around commas ignored); missing gives []. */
export const list = (value?: string): string[] => (value ? value.split(/ *, */) : []);
