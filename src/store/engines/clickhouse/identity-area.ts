// The identity and milestones areas on ClickHouse, as the store contract names them: each method the
// whole-workspace function (identity.ts) or, after new events, the scoped one (identity-scope.ts).
import type { IdentityStore } from '../../areas/identity.js';
import type { MilestonesStore } from '../../areas/milestones.js';
import { bind } from '../bind.js';
import { identityScopeOf, scopedInputsOf } from '../neutral/identity-scope.js';
import { fn, p, sql } from '../neutral/sql.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import {
  appendIdentityLinks,
  countPersons,
  deviceTimelines,
  identityEdgesReady,
  identityInputsWhole,
  identityLinkFacts,
  personsByIdentifier,
  personsOfAnonymousIds,
  refreshSeenWhole,
  saveEdgesWhole,
  saveIdentitiesWhole,
} from './identity.js';
import { refreshSeenScoped, saveEdgesScoped, saveIdentitiesScoped } from './identity-scope.js';
import { deriveLeadMilestones } from './milestones.js';

export function clickHouseIdentity(s: ChStore): IdentityStore & MilestonesStore {
  const read = (q: Parameters<typeof queryNeutral>[2]) => queryNeutral(s.conn, s.database, q);
  return {
    ...bind(s, {
      identityLinkFacts,
      identityEdgesReady,
      deviceTimelines,
      personsByIdentifier,
      personsOfAnonymousIds,
      countPersons,
      appendIdentityLinks,
    }),
    async refreshSeenIdentifiers(ws, rule, affected) {
      // a workspace without seen ids yet is built whole
      const built = await read(
        sql`SELECT ${fn.countAll()} AS n FROM ${fn.table('identity_seen')} WHERE workspace_id = ${p.text(ws)}`,
      );
      if (affected && Number(built[0]?.n ?? 0) > 0) await refreshSeenScoped(s, ws, rule, affected);
      else await refreshSeenWhole(s, ws, rule);
    },
    async saveIdentityEdges(ws, edges, opts) {
      if (!opts.full) return saveEdgesScoped(s, ws, edges);
      await saveEdgesWhole(s, ws, edges);
      return [];
    },
    identityScope: (ws, rule, seeds, affected) => identityScopeOf(read, ws, rule, seeds, affected),
    identityInputs: (ws, opts = {}) =>
      'scope' in opts ? scopedInputsOf(read, ws, opts.scope) : identityInputsWhole(s, ws, opts),
    saveIdentities: (ws, out, opts) =>
      opts.scope && !opts.full
        ? saveIdentitiesScoped(s, ws, out, opts.scope)
        : saveIdentitiesWhole(s, ws, out, opts),
    deriveLeadMilestones: (ws, scope) => deriveLeadMilestones(s, ws, scope),
  };
}
