// A refusal of the connectors' domain, in the words the server answers with (status, code, the field).
export class ConnectorError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 415 | 500,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
