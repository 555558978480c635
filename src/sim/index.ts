/** The world simulator: public surface for the CLI, the demo workspace, tests and benchmarks. */
export {
  simulate,
  validateOptions,
  type SimOptions,
  type SimOutputDir,
  type SimSummary,
} from './simulate.js';
export {
  CHANNELS,
  CHANNEL_EFFECTS,
  GA4_GROUPS,
  checkChannelModel,
  type ChannelId,
  type ChannelEffect,
  type Ga4ChannelGroup,
} from './channels.js';
export { CAMPAIGNS } from './ad-campaigns.js';
export { CRM_PROFILES, CRM_PROFILE_NAMES, type CrmProfile, type CrmRates } from './crm.js';
export { SITE } from './site.js';
export type { SimRecord } from './record.js';
export type { SimTruth, ChannelTruth } from './truth.js';
export type {
  AdCostRow,
  AdPlatform,
  CrmChange,
  RevenueMovement,
  SegmentEvent,
  SimWriter,
} from './types.js';
export { segmentNdjsonWriter, adCostNdjsonWriter, NdjsonFile } from './writers.js';
export { segmentHttpWriter, type HttpWriterOptions, type HttpWriterStats } from './http-writer.js';
export {
  adPlatformWriter,
  platformExports,
  SIM_AD_ACCOUNTS,
  type AdPlatformWriter,
  type PlatformExports,
} from './ad-writers/index.js';
export {
  TAGGING_MISTAKE_KINDS,
  type TaggingMistake,
  type TaggingMistakeKind,
  type TaggingMistakeTruth,
} from './tagging-mistakes.js';
