// The error every vendor client throws: which vendor, which request (its path as shown: never a
// query's secrets), the status and the attempts. Vendors subclass it for their own error codes.

export interface HttpApiErrorFields {
  vendor: string;
  method: string;
  /** The request as messages name it (scrubbed; a vendor may show less than the whole path). */
  path: string;
  /** HTTP status; 0 when no answer came (network, timeout, abort). */
  status: number;
  /** The vendor's error code, when its answer had one. */
  code: string | null;
  attempts: number;
  /** A rate limit longer than the client waits: when to try again (epoch ms). */
  retryAt?: number | null;
}

/** A vendor refused, or could not be reached after the retries. The message is scrubbed of secrets. */
export class HttpApiError extends Error {
  readonly vendor: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string | null;
  readonly attempts: number;
  readonly retryAt: number | null;

  constructor(message: string, fields: HttpApiErrorFields) {
    super(message);
    this.name = 'HttpApiError';
    this.vendor = fields.vendor;
    this.method = fields.method;
    this.path = fields.path;
    this.status = fields.status;
    this.code = fields.code;
    this.attempts = fields.attempts;
    this.retryAt = fields.retryAt ?? null;
  }
}
