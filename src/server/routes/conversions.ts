// POST /api/conversions: conversions from off the website (chats, calls, meetings, forms elsewhere,
// offline sales), sent by a server with the workspace's secret key. Each becomes events on the ingestion
// path (collect/conversions.ts): checked by the same rules and durable in the journal before the 200, as
// a /v1/batch is; a conversion one of whose events a rule refuses is reported by its position and id.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { acceptBatch } from '../../collect/accept-batch.js';
import { newBatchId } from '../../collect/batch-id.js';
import { conversionEvents, ConversionsBody } from '../../collect/conversions.js';
import type { LiveEnrichment } from '../../collect/enrich.js';
import type { RedactionRulesCache } from '../../derive/redaction-settings.js';
import type { EventJournal } from '../../store/journal.js';
import { access, workspaceOf } from '../access.js';

export interface ConversionsDeps {
  journal: EventJournal;
  enrichment: LiveEnrichment;
  redaction: RedactionRulesCache;
}

// an event's field as the conversion names it
const FIELDS: [RegExp, string][] = [
  [/^timestamp$/, 'occurredAt'],
  [/^traits\.(email|phone)$/, '$1'],
  [/^properties\.(email|phone)$/, '$1'],
];
const conversionField = (eventField: string): string => {
  const f = eventField.replace(/^batch\[\d+\]\.?/, '');
  for (const [re, to] of FIELDS) if (re.test(f)) return f.replace(re, to);
  return f || '(conversion)';
};

export function conversionsRoutes(fastify: FastifyInstance, deps: ConversionsDeps): void {
  fastify.withTypeProvider<ZodTypeProvider>().post(
    '/api/conversions',
    {
      config: access.secret(),
      schema: {
        summary:
          'Record conversions from off the website (chat, call, meeting, form, offline), matched to visitors by e-mail, phone or anonymous id',
        body: ConversionsBody,
      },
    },
    async (req, reply) => {
      const ws = workspaceOf(req);
      const { conversions } = req.body;
      const owner: number[] = [];
      const batch = conversions.flatMap((c, k) => {
        const events = conversionEvents(c);
        for (let i = 0; i < events.length; i++) owner.push(k);
        return events;
      });
      const rules = deps.redaction.cached(ws.id) ?? (await deps.redaction.rulesFor(ws.id));
      const { lines, rejected, anonymousIds, userIds } = acceptBatch(
        { batch },
        {
          receivedAt: new Date(),
          meta: { workspaceId: ws.id, origin: 'api', batchId: newBatchId('api') },
          request: { userAgent: undefined, clientSide: false },
          enrichment: deps.enrichment,
          redaction: rules,
        },
      );
      // a conversion is refused when a rule refused one of its events (they share their time and ids)
      const refused = new Map<number, { field: string; reason: string }>();
      for (const r of rejected) {
        const k = owner[r.index]!;
        if (!refused.has(k)) refused.set(k, { field: conversionField(r.field), reason: r.reason });
      }
      const keep = lines.length > 0 && refused.size < conversions.length;
      if (keep) await deps.journal.append(lines, { workspaceId: ws.id, anonymousIds, userIds });
      const out = [...refused].map(([index, r]) => ({
        index,
        id: conversions[index]!.id,
        field: `conversions[${index}].${r.field}`,
        reason: r.reason,
      }));
      if (!keep) {
        const first = out[0]!;
        return reply.status(400).send({
          error: {
            code: 'invalid_conversion',
            message: `every conversion was refused; first: ${first.field}: ${first.reason}`,
            field: first.field,
          },
          rejected: out,
        });
      }
      return {
        received: conversions.length,
        accepted: conversions.length - refused.size,
        rejected: out,
      };
    },
  );
}
