// Links as the facts state them, normalised into identity edges: both ends spelled as the graph spells
// them, one edge per (a, b, source) with its earliest time. Stored, they let a live derive find the linked
// components around new events without reading every link again. A link with one end rejected (say a
// placeholder user id) still shows that its other end was seen then: it becomes a one-ended edge (b = '').
import { normaliseKind, normaliseValue } from './normalise.js';
import type { NormaliseOptions } from './types.js';

export interface LinkRow {
  aKind: string;
  aValue: string;
  bKind: string;
  bValue: string;
  at: number;
  source: string;
}

export function normaliseLinks(
  links: readonly LinkRow[],
  options: NormaliseOptions = {},
): LinkRow[] {
  // most values repeat (an email on many identifies): normalise each distinct spelling once
  const cache = new Map<string, { kind: string; value: string } | null>();
  const norm = (kind: string, value: string): { kind: string; value: string } | null => {
    const key = `${kind}\u0000${value}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      const k = normaliseKind(kind);
      const v = k === undefined ? undefined : normaliseValue(k, value, options).value;
      hit = k === undefined || v === undefined ? null : { kind: k, value: v };
      cache.set(key, hit);
    }
    return hit;
  };
  const edges = new Map<string, LinkRow>();
  for (const l of links) {
    let a = norm(l.aKind, l.aValue);
    let b = norm(l.bKind, l.bValue);
    if (a === null) [a, b] = [b, null];
    if (a === null) continue;
    const edge: LinkRow = {
      aKind: a.kind,
      aValue: a.value,
      bKind: b?.kind ?? '',
      bValue: b?.value ?? '',
      at: l.at,
      source: l.source,
    };
    const key = `${edge.aKind}\u0000${edge.aValue}\u0000${edge.bKind}\u0000${edge.bValue}\u0000${edge.source}`;
    const known = edges.get(key);
    if (known === undefined) edges.set(key, edge);
    else if (edge.at < known.at) known.at = edge.at;
  }
  return [...edges.values()];
}
