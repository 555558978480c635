// The data plane's contract: facts, derived rows and what reads them (every area but the control plane's).
import type { EngineStore } from './areas/engine.js';
import type { WorkspaceDataStore } from './areas/workspaces.js';
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
import type { FxStore } from './areas/fx.js';
import type { AdCostsStore } from './areas/ad-costs.js';
import type { CostsStore } from './areas/costs.js';
import type { CrmStore } from './areas/crm.js';
import type { WebhookReceiptsStore } from './areas/webhook-receipts.js';
import type { StripeStore } from './areas/stripe.js';
import type { PipelineStore } from './areas/pipeline.js';
import type { ReportsStore } from './areas/reports.js';
import type { PipelineReportsStore } from './areas/pipeline-reports.js';
import type { InsightsStore } from './areas/insights.js';
import type { FirstTouchStore } from './areas/first-touch.js';
import type { ReportSessionsStore } from './areas/report-sessions.js';
import type { SubscriptionMonthsStore } from './areas/subscription-months.js';

/**
 * The data areas, implemented by every data engine (src/store/engines/<engine>/). Every read and write
 * names its workspace, and an engine must never return another workspace's rows. The data plane does not
 * know which workspaces exist: that is the control plane's (ControlStore).
 */
export interface DataStore
  extends
    EngineStore,
    WorkspaceDataStore,
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
    InspectionStore,
    FxStore,
    AdCostsStore,
    CostsStore,
    CrmStore,
    WebhookReceiptsStore,
    StripeStore,
    PipelineStore,
    ReportsStore,
    PipelineReportsStore,
    InsightsStore,
    FirstTouchStore,
    ReportSessionsStore,
    SubscriptionMonthsStore {}
