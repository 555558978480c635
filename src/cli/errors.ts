/** An error the user can fix: printed without a stack, exit code 2 (bad arguments, bad config, bad input). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
