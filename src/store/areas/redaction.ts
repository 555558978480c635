// The store's redaction area: its types and what an engine must implement for it.

/** One run of the stored-facts redaction (`closedloop redact`, or the end of a file import): names only. */
export interface RedactionRun {
  id: string;
  workspaceId: string;
  ranAt: string;
  /** 'workspace' (every event) or 'import:<batch id>' (one import's events). */
  scope: string;
  extraNames: string[];
  redactedNames: string[];
  rowsExamined: number;
  rowsChanged: number;
}

/**
 * What every redactable parameter name holds (lower-cased, before decoding unless it holds a `%`): one
 * of `anywhere` inside it, or one of `words` as a whole word (split at non-alphanumerics and camelCase,
 * as the redaction splits names). The stored-facts redaction reads only events whose JSON holds one.
 */
export interface RedactionHint {
  anywhere: readonly string[];
  words: readonly string[];
  /**
   * Texts a redacted value became that the redaction lists again wherever they are (the `[email]`
   * marker, which holds no `@` any more): an event holding one is read too.
   */
  markers?: readonly string[];
}

/** An event's fields the stored-facts redaction hands to the redaction function, and gets back. */
export interface RedactableEvent {
  messageId: string;
  type: string;
  anonymousId: string | null;
  userId: string | null;
  timestamp: string;
  properties: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
}

/** The one sanctioned rewrite of facts: URL redaction of stored events, audited. */
export interface RedactionStore {
  /**
   * The one sanctioned rewrite of facts: every event of the workspace (or of one import batch) that may
   * hold a redactable URL (`hint`: what a redactable parameter name contains) goes through `redact`;
   * events it returns changed get their properties, context and projected URL columns rewritten, in one
   * transaction with an audit row (names only). Streams: memory holds one chunk of candidates.
   */
  redactStoredEvents(
    workspaceId: string,
    opts: { batchId?: string; hint: RedactionHint; extraNames: readonly string[] },
    redact: (
      e: RedactableEvent,
    ) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
  ): Promise<RedactionRun>;
  redactionRuns(workspaceId: string): Promise<RedactionRun[]>;
}
