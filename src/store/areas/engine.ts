// The store's engine area: its types and what an engine must implement for it.

/** The engine itself: what it is, whether it is ready, its limits, closing it. */
export interface EngineStore {
  readonly engine: string;
  /** Highest migration applied. */
  schemaVersion(): Promise<number>;
  /** True once open and migrated. */
  ready(): boolean;
  /** What the engine may use, as the engine itself reports it (memory as it prints it, e.g. `1.8 GiB`). */
  engineLimits(): Promise<{ memoryLimit: string; threads: number; tempDirectory: string }>;

  close(): Promise<void>;
}

/**
 * An engine could not be opened because its server is down, refuses the connection or the credentials, or
 * lacks the database. The message names where (the URL without its password) and why, for the operator.
 */
export class StoreUnavailable extends Error {
  constructor(
    /** Where the engine was looked for: a URL without its password. */
    readonly target: string,
    reason: string,
  ) {
    super(`cannot open ${target}: ${reason}`);
    this.name = 'StoreUnavailable';
  }
}
