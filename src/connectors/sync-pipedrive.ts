// Pipedrive's sync: the pipelines and stages first (every run: the mapping reads stage names through
// them), then persons and deals with each deal's changelog (its stage and status history), page by page
// from the stored cursor. The client reads whole lists, so a finished pass is followed by a whole new
// one: every record's key is stable, so a re-read stores only what changed.
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
});

/** Where the persons and deals resume: the stored cursor within them, else their start. */
export function pipedriveStart(stored: unknown): PipedriveBackfillCursor {
  const c = Cursor.safeParse(stored);
  return c.success && (c.data.stage === 'persons' || c.data.stage === 'deals')
    ? c.data
    : { stage: 'persons', cursor: null };
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
  yield { records: [], rows: pipelines.length + stages.length, issues: 0, cursor: start };
  for await (const page of client.backfill({ cursor: start })) {
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
      cursor: page.cursor,
    };
  }
}
