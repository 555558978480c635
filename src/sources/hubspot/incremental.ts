// HubSpot's incremental pass: after a first backfill, only the contacts and deals modified since a
// cursor are read, through the CRM search API (a last-modified filter, oldest change first, paged by
// `after`); deals found are read again in a batch with their `dealstage` history (search gives no
// history) and their contacts. One search query can page through at most 10,000 results: before
// that, the query starts again from the last modification time it reached, so any number of changes
// is read (those at that very time twice, which stores nothing new). Deletions give no search result:
// the pass ends on the list of archived deals (`archived=true`), whose archive time is at or after the
// cursor's `since`, so a deal's deletion is stored even with no webhook configured. (HubSpot's
// archived list cannot be filtered or sorted by that time: the whole list is paged; it is short.)
//
//   for await (const page of changedSince(client, { stage: 'contacts', since, window: since, after: null, read: 0 }))
//     store(page); // page.cursor resumes after it

import type { DealContacts, HubSpotClient } from './client.js';
import {
  HISTORY_PAGE_LIMIT,
  SEARCH_PAGE_LIMIT,
  SEARCH_RESULT_LIMIT,
  type SearchableList,
} from './properties.js';
import type { HubSpotCrmObject } from './schemas.js';

/** Where an incremental pass stands. JSON, to be stored. */
export interface ChangesCursor {
  stage: SearchableList | 'archived' | 'done';
  /** The pass reads objects modified at or after this (ms). */
  since: number;
  /** The current query's lower bound (ms): `since`, or later once a query reached its 10,000. */
  window: number;
  /** The current query's page cursor. */
  after: string | null;
  /** Results the current query has given so far. */
  read: number;
}

export type ChangesPage =
  | { kind: 'contacts'; objects: HubSpotCrmObject[]; cursor: ChangesCursor }
  | {
      kind: 'deals';
      objects: HubSpotCrmObject[];
      associations: DealContacts[];
      cursor: ChangesCursor;
    };

export interface ChangesOptions {
  /** Objects a page (default and most: 200 for contacts, 50 for deals, which are read with history). */
  pageSize?: number;
  /** Results a query may page through (HubSpot's 10,000; tests make it small). */
  resultLimit?: number;
}

/** The start of a pass over what changed at or after `since`. */
export const changesFrom = (since: number): ChangesCursor => ({
  stage: 'contacts',
  since,
  window: since,
  after: null,
  read: 0,
});

/** An object's last modification (ms): HubSpot's `updatedAt`, the property a search sorts on. */
export const modifiedAt = (o: HubSpotCrmObject): number => Date.parse(o.updatedAt);

/** A query that would give nothing new: over its limit with every result at the same moment. */
export class SearchWindowError extends Error {
  constructor(object: string, at: number, limit: number) {
    super(
      `HubSpot search: more than ${limit} ${object} were modified at ${new Date(at).toISOString()}; the search cannot page past them`,
    );
    this.name = 'SearchWindowError';
  }
}

const NEXT: Record<SearchableList | 'archived', ChangesCursor['stage']> = {
  contacts: 'deals',
  deals: 'archived',
  archived: 'done',
};

/** When HubSpot archived an object (ms); its last modification when it does not say. */
const archivedAt = (o: HubSpotCrmObject): number => Date.parse(o.archivedAt ?? o.updatedAt);

/** One page of the archived deals, those archived at or after `since`, and the cursor after it. */
async function archivedPage(client: HubSpotClient, c: ChangesCursor): Promise<ChangesPage> {
  for await (const page of client.pages('deals', { archived: true, after: c.after })) {
    const objects = page.results.filter((d) => d.archived === true && archivedAt(d) >= c.since);
    const next = page.after
      ? { ...c, after: page.after }
      : { ...changesFrom(c.since), stage: NEXT.archived };
    // an archived deal's contacts are not read: its deletion is matched by the deal's own id
    return { kind: 'deals', objects, associations: [], cursor: next };
  }
  return { kind: 'deals', objects: [], associations: [], cursor: { ...c, stage: 'done' } };
}

/** Contacts, then deals with their history and contacts, modified since the cursor's `since`. */
export async function* changedSince(
  client: HubSpotClient,
  start: ChangesCursor,
  options: ChangesOptions = {},
): AsyncGenerator<ChangesPage, void, undefined> {
  const resultLimit = options.resultLimit ?? SEARCH_RESULT_LIMIT;
  let c = start;
  while (c.stage !== 'done') {
    if (c.stage === 'archived') {
      const page = await archivedPage(client, c);
      yield page;
      c = page.cursor;
      continue;
    }
    const object: SearchableList = c.stage;
    const most = object === 'deals' ? HISTORY_PAGE_LIMIT : SEARCH_PAGE_LIMIT;
    const limit = Math.max(1, Math.min(most, options.pageSize ?? most, resultLimit));
    const page = await client.searchPage(object, { since: c.window, after: c.after, limit });
    const read = c.read + page.results.length;
    let next: ChangesCursor;
    if (!page.after || page.results.length === 0)
      next = { ...changesFrom(c.since), stage: NEXT[object] };
    else if (read + limit <= resultLimit) next = { ...c, after: page.after, read };
    else {
      // the next page would pass the query's limit: a new query from the latest time reached
      const latest = Math.max(...page.results.map(modifiedAt));
      if (!(latest > c.window)) throw new SearchWindowError(object, c.window, resultLimit);
      next = { ...c, window: latest, after: null, read: 0 };
    }
    if (object === 'contacts') {
      yield { kind: 'contacts', objects: page.results, cursor: next };
    } else {
      const ids = page.results.map((d) => d.id);
      // a deal deleted since the search is not in the batch's answer
      const objects = ids.length ? await client.batchRead('deals', ids) : [];
      const associations = objects.length
        ? await client.dealContacts(objects.map((d) => d.id))
        : [];
      yield { kind: 'deals', objects, associations, cursor: next };
    }
    c = next;
  }
}
