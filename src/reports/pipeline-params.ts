// What the pipeline reports (opportunities, revenue, funnel) share: the first-touch dimension they group
// by, days as UTC instants, and how CRM amounts become the workspace's currency.
import { z } from 'zod';
import { crmMappingFor } from '../derive/crm-milestones.js';
import { FIRST_TOUCH_DIMENSIONS, type AmountConversion } from '../store/areas/pipeline.js';
import type { Store } from '../store/store.js';
import { ReportParamError } from './report.js';

export const FirstTouchBy = z
  .enum(FIRST_TOUCH_DIMENSIONS)
  .default('channel')
  .describe(`the person's first visit's: ${FIRST_TOUCH_DIMENSIONS.join(', ')}`);

export const DAY_MS = 86_400_000;
/** A day's first instant (UTC), epoch ms. */
export const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const today = () => new Date().toISOString().slice(0, 10);

/** The workspace's currency, and the decimals of each currency its CRM amounts are in. */
export async function amountConversion(
  store: Store,
  workspaceId: string,
): Promise<AmountConversion> {
  const ws = await store.getWorkspace(workspaceId);
  if (!ws) throw new ReportParamError('workspace', 'no such workspace');
  const mapping = await crmMappingFor(store, workspaceId);
  return { currency: ws.currency, exponents: mapping?.exponents ?? new Map() };
}

/** Money to the cent (sums of floating-point amounts carry noise past it). */
export const cents = (x: number) => Math.round(x * 100) / 100;
