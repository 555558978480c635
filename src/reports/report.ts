// A report is one file: a name, a parameter schema (query-string shaped, so the same schema reads
// `GET /api/reports/<name>?...` and `closedloop report <name> --...`), the function that runs it inside
// the engine, and how its result reads as a table. The server and the CLI are generated from the registry
// (index.ts), so adding a report is one file and its test.
import type { z } from 'zod';
import type { Store } from '../store/store.js';

/** A parameter the report itself refused (beyond its schema), named as in the query string. */
export class ReportParamError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ReportParamError';
  }
}

export interface ReportContext {
  store: Store;
  workspaceId: string;
}

/** Every value a query string can carry: strings, coerced and checked by the schema. */
export type ParamsSchema = z.ZodObject<z.ZodRawShape>;

export interface Report<P extends ParamsSchema = ParamsSchema, R = unknown> {
  name: string;
  summary: string;
  params: P;
  run(ctx: ReportContext, params: z.output<P>): Promise<R>;
  /** The result as rows for a text table (CLI) or CSV, with a headline above them when there is one. */
  table(result: R, params: z.output<P>): { headline?: string; rows: Record<string, unknown>[] };
}

/** Keeps each report's types tied to its own schema while the registry holds them all. */
export function defineReport<P extends ParamsSchema, R>(report: Report<P, R>): Report<P, R> {
  return report;
}
