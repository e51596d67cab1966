/**
 * A Microsoft Graph error: HTTP status plus Graph's JSON error body
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 * (Microsoft Learn, "Microsoft Graph error responses and resource types", https://learn.microsoft.com/graph/errors).
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export function badRequest(message: string, code = 'Request_BadRequest'): GraphError {
  return new GraphError(400, code, message);
}

export function notFound(id: string): GraphError {
  return new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function renderGraphError(
  error: GraphError,
  requestId: string,
  clientRequestId: string,
  now: Date,
): Record<string, unknown> {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: now.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}
