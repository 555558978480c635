import type { EngineStore } from './areas/engine.js';
import type { WorkspacesStore } from './areas/workspaces.js';
import type { SettingsStore } from './areas/settings.js';
import type { EventsStore } from './areas/events.js';
import type { DeadLettersStore } from './areas/dead-letters.js';
import type { DeriveScopeStore } from './areas/derive-scope.js';
import type { UserAgentsStore } from './areas/user-agents.js';
import type { SessionsStore } from './areas/sessions.js';
import type { IdentityStore } from './areas/identity.js';
import type { MilestonesStore } from './areas/milestones.js';
import type { JourneysStore } from './areas/journeys.js';
import type { CreditsStore } from './areas/credits.js';
import type { RedactionStore } from './areas/redaction.js';
import type { PrivacyStore } from './areas/privacy.js';
import type { InspectionStore } from './areas/inspection.js';

export type { ImportProgress } from './areas/events.js';

/**
 * The only way into storage: one interface per area (src/store/areas/), which an engine implements
 * (src/store/engines/<engine>/). Every read and write names its workspace, and an engine must never
 * return another workspace's rows.
 */
export interface Store
  extends
    EngineStore,
    WorkspacesStore,
    SettingsStore,
    EventsStore,
    DeadLettersStore,
    DeriveScopeStore,
    UserAgentsStore,
    SessionsStore,
    IdentityStore,
    MilestonesStore,
    JourneysStore,
    CreditsStore,
    RedactionStore,
    PrivacyStore,
    InspectionStore {}
