// Pipedrive's sync: the pipelines and stages first (every run: the mapping reads stage names through
// them), then persons and deals with each deal's changelog (its stage and status history), page by page
// from the stored cursor. A finished pass is followed by an incremental one: the persons and deals
// updated since the last pass began (v2's `updated_since`, a few minutes' margin; keys make the overlap
// harmless).
import { z } from 'zod';
import {
  createPipedriveClient,
  dealChanges,
  personChanges,
  resolvePipedriveMapping,
  type MappingIssue,
  type PipedriveBackfillCursor,
  type PipedrivePipeline,
  type PipedriveStage,
} from '../sources/pipedrive/index.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { SyncBatch, SyncContext } from './sync.js';

const Cursor = z.object({
  stage: z.enum(['pipelines', 'stages', 'persons', 'deals', 'done']),
  cursor: z.string().nullable(),
  // the pass's filter (null: a whole pass) and when it began (the next pass's filter once it ends)
  updatedSince: z.string().nullable().optional(),
  passStartedAt: z.string().optional(),
});

/** What this sync stores: the client's cursor, and its pass's filter and start. */
export interface PipedriveSyncCursor extends PipedriveBackfillCursor {
  updatedSince: string | null;
  passStartedAt: string;
}

// a pass's start is taken this much early: an update made while the pass read may carry a time before it
const CLOCK_MARGIN_MS = 5 * 60_000;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Where the persons and deals resume: within the stored pass, else a new pass from their start: after
 * a finished pass an incremental one (updated since that pass began), else a whole one.
 */
export function pipedriveStart(stored: unknown, now = Date.now()): PipedriveSyncCursor {
  const c = Cursor.safeParse(stored);
  const fresh = {
    stage: 'persons' as const,
    cursor: null,
    passStartedAt: rfc3339(now - CLOCK_MARGIN_MS),
  };
  if (!c.success) return { ...fresh, updatedSince: null };
  const { stage, cursor, updatedSince = null, passStartedAt } = c.data;
  if (stage === 'done') return { ...fresh, updatedSince: passStartedAt ?? null };
  if ((stage === 'persons' || stage === 'deals') && passStartedAt)
    return { stage, cursor, updatedSince, passStartedAt };
  return { ...fresh, updatedSince: null };
}

export async function* syncPipedrive(ctx: SyncContext): AsyncGenerator<SyncBatch, void, undefined> {
  const c = ctx.connector;
  const token = c.credentials.apiKey ?? c.credentials.accessToken;
  if (!token)
    throw new TypeError(
      'Pipedrive: the sync needs an API token (apiKey); OAuth is not supported yet',
    );
  const client = createPipedriveClient({
    apiToken: token,
    baseUrl: c.baseUrl ?? undefined,
    ...ctx.client,
  });
  const pipelines: PipedrivePipeline[] = [];
  const stages: PipedriveStage[] = [];
  for await (const page of client.pages('pipelines')) pipelines.push(...page.items);
  for await (const page of client.pages('stages')) stages.push(...page.items);
  const mapping = resolvePipedriveMapping(ctx.mappingSettings, { pipelines, stages });
  const start = pipedriveStart(c.cursor);
  const pass = { updatedSince: start.updatedSince, passStartedAt: start.passStartedAt };
  yield { records: [], rows: pipelines.length + stages.length, issues: 0, cursor: start };
  const cursor = { stage: start.stage, cursor: start.cursor };
  for await (const page of client.backfill({ cursor, updatedSince: start.updatedSince })) {
    const issues: MappingIssue[] = [];
    let records: CrmChangeRecord[] = [];
    if (page.kind === 'persons')
      records = page.objects.flatMap((p) => personChanges(p, mapping, { issues }));
    else if (page.kind === 'deals')
      records = page.objects.flatMap((d) =>
        dealChanges(d, mapping, { issues, changelog: page.changelogs.get(d.id) ?? [] }),
      );
    yield {
      records,
      rows: page.objects.length,
      issues: new Set(issues.map((i) => `${i.objectType}:${i.objectId}`)).size,
      cursor: { ...page.cursor, ...pass },
    };
  }
}
