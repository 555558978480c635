// A simulated world's HubSpot portal (src/sim/hubspot-writer.ts) on the replay server, as it stood at a
// moment the test moves (`asOf`): v3 list pages (`after`), one object by id (the webhook re-fetch),
// the CRM search (a last-modified GTE filter, one ascending sort, `after`, at most `resultLimit`
// results a query: past it, 400 as HubSpot answers), v3 batch read with history, v4 deal-contact
// associations and the pipelines; `archived=true` lists the deals `archived` names. `intercept` may answer first (a 429); every request is recorded.
import type { HubSpotSimWriter } from '../sim/hubspot-writer.js';
import { json, startReplay, type ReplayAnswer, type ReplayRequest } from './replay-server.js';

type Json = Record<string, unknown>;

export interface WorldPortalOptions {
  /** The moment the portal shows (ms); undefined: the world's end. */
  asOf?: number;
  /** Results one search query may page through (HubSpot's 10,000). */
  resultLimit?: number;
  intercept?: (req: ReplayRequest) => ReplayAnswer | undefined;
  /** The deals listed with `archived=true` (deleted deals); none by default. */
  archived?: () => Json[];
}

/** What the portal answered a search with: the ids, per object list, in order. */
export interface SearchLog {
  object: string;
  ids: string[];
}

const notFound = (what: string) =>
  json(404, { status: 'error', message: `${what} not found`, category: 'OBJECT_NOT_FOUND' });

/** Keeps the asked properties (and history) only, as HubSpot answers. */
function shaped(o: Json, properties: string[] | null, history: string[], withHistory: boolean) {
  const all = o.properties as Record<string, string | null>;
  const props = properties
    ? Object.fromEntries(properties.filter((p) => p in all).map((p) => [p, all[p]!]))
    : all;
  const past = o.propertiesWithHistory as Record<string, unknown>;
  const kept = withHistory
    ? Object.fromEntries(history.filter((h) => h in past).map((h) => [h, past[h]]))
    : {};
  const { propertiesWithHistory: _, ...rest } = o;
  return {
    ...rest,
    properties: props,
    ...(Object.keys(kept).length ? { propertiesWithHistory: kept } : {}),
  };
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

export async function startHubSpotWorldPortal(
  world: HubSpotSimWriter,
  options: WorldPortalOptions = {},
) {
  const searches: SearchLog[] = [];
  const state = { asOf: options.asOf };
  const resultLimit = options.resultLimit ?? 10_000;
  const objects = (type: string): Json[] =>
    type === 'contacts'
      ? world.contactsAt(state.asOf)
      : type === 'deals'
        ? world.dealsAt(state.asOf)
        : [];
  const one = (type: string, id: string) =>
    type === 'contacts' ? world.contact(id, state.asOf) : world.deal(id, state.asOf);

  const answer = (req: ReplayRequest): ReplayAnswer | undefined => {
    const path = req.url.pathname;
    const q = req.url.searchParams;
    const listed = /^\/crm\/v3\/objects\/(contacts|companies|deals)$/.exec(path)?.[1];
    if (req.method === 'GET' && listed) {
      const limit = Number(q.get('limit') ?? 10);
      const from = Number(q.get('after') ?? 0);
      const all =
        q.get('archived') === 'true'
          ? listed === 'deals'
            ? (options.archived?.() ?? [])
            : []
          : objects(listed);
      const history = list(q.get('propertiesWithHistory'));
      const results = all
        .slice(from, from + limit)
        .map((o) => shaped(o, list(q.get('properties')), history, true));
      const next = from + limit < all.length ? { next: { after: String(from + limit) } } : {};
      return json(200, { results, paging: next });
    }
    const byId = /^\/crm\/v3\/objects\/(contacts|deals)\/(\d+)$/.exec(path);
    if (req.method === 'GET' && byId) {
      const o = one(byId[1]!, byId[2]!);
      if (!o) return notFound(`${byId[1]} ${byId[2]}`);
      return json(
        200,
        shaped(o, list(q.get('properties')), list(q.get('propertiesWithHistory')), true),
      );
    }
    const search = /^\/crm\/v3\/objects\/(contacts|deals)\/search$/.exec(path)?.[1];
    if (req.method === 'POST' && search) {
      const body = req.json as {
        filterGroups: Array<{
          filters: Array<{ propertyName: string; operator: string; value: string }>;
        }>;
        sorts: Array<{ propertyName: string; direction: string }>;
        properties: string[];
        limit: number;
        after?: string;
      };
      const filter = body.filterGroups[0]!.filters[0]!;
      const sort = body.sorts[0]!;
      if (filter.operator !== 'GTE' || sort.direction !== 'ASCENDING' || body.sorts.length !== 1)
        return json(400, {
          status: 'error',
          message: 'unexpected search',
          category: 'VALIDATION_ERROR',
        });
      const since = Number(filter.value);
      const time = (o: Json) =>
        Date.parse((o.properties as Record<string, string>)[filter.propertyName]!);
      const from = Number(body.after ?? 0);
      if (body.limit > 200 || from + body.limit > resultLimit)
        return json(400, {
          status: 'error',
          message: `at most ${resultLimit} results can be paged through`,
          category: 'VALIDATION_ERROR',
        });
      const matching = objects(search)
        .filter((o) => time(o) >= since)
        .sort((a, b) => time(a) - time(b) || Number(a.id) - Number(b.id));
      const page = matching.slice(from, from + body.limit);
      searches.push({ object: search, ids: page.map((o) => String(o.id)) });
      return json(200, {
        total: matching.length,
        results: page.map((o) => shaped(o, body.properties, [], false)),
        ...(from + body.limit < matching.length
          ? { paging: { next: { after: String(from + body.limit) } } }
          : {}),
      });
    }
    const batch = /^\/crm\/v3\/objects\/(contacts|deals)\/batch\/read$/.exec(path)?.[1];
    if (req.method === 'POST' && batch) {
      const body = req.json as {
        properties: string[];
        propertiesWithHistory?: string[];
        inputs: Array<{ id: string }>;
      };
      const found = body.inputs.map((i) => one(batch, i.id)).filter((o): o is Json => o !== null);
      const results = found.map((o) =>
        shaped(o, body.properties, body.propertiesWithHistory ?? [], true),
      );
      return json(results.length < body.inputs.length ? 207 : 200, {
        status: 'COMPLETE',
        results,
        startedAt: new Date().toISOString(),
        completedAt: new Date().toISOString(),
      });
    }
    if (req.method === 'POST' && path === '/crm/v4/associations/deals/contacts/batch/read') {
      const inputs = (req.json as { inputs: Array<{ id: string }> }).inputs;
      const results = inputs.flatMap(({ id }) => {
        const contact = world.dealContact(id);
        if (!contact || !world.deal(id, state.asOf)) return [];
        const to = [
          {
            toObjectId: Number(contact),
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
          },
        ];
        return [{ from: { id }, to }];
      });
      return json(200, { status: 'COMPLETE', results });
    }
    if (req.method === 'GET' && path === '/crm/v3/pipelines/deals')
      return json(200, world.pipelines());
    return undefined;
  };

  const server = await startReplay((req) => options.intercept?.(req) ?? answer(req));
  return {
    ...server,
    searches,
    /** Moves the portal's clock (undefined: the world's end). */
    at(asOf: number | undefined) {
      state.asOf = asOf;
    },
  };
}
