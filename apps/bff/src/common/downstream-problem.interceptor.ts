import { type ErrorCode, TokenBrokerError } from '@chain/auth';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';

/**
 * Domain codes of the chain's services that the SPA branches on; relayed as they are. Anything else
 * (a downstream's `scope_missing`, say) is the BFF's problem, not the user's, and keeps the
 * `downstream_*` code libs/auth gives it.
 */
const DOMAIN_TITLES = {
  not_owner: 'Only the owner may do this',
  not_a_broker: 'Only a broker may do this',
} as const;
type RelayedCode = ErrorCode | keyof typeof DOMAIN_TITLES;
const RELAYED_CODES: ReadonlySet<string> = new Set<RelayedCode>([
  'not_found',
  'not_owner',
  'not_a_broker',
  'conflict',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
]);
const RELAYED_STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 409, 413, 415, 422]);

/**
 * Passes a downstream's 4xx problem through with its own `code` (e.g. program-service's 403 `not_owner`,
 * which libs/auth reports as `downstream_forbidden` + `downstreamCode`). Status, detail and the
 * `downstream*` members stay as libs/auth mapped them.
 */
@Injectable()
export class DownstreamProblemInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => relayDownstreamCode(error))));
  }
}

/** A downstream's 4xx relayed with its own code: the services' domain codes bring their titles. */
class RelayedDownstreamError extends TokenBrokerError<RelayedCode> {
  override get title(): string {
    return (DOMAIN_TITLES as Readonly<Record<string, string>>)[this.code] ?? super.title;
  }
}

/** The error with the downstream's domain code, when it carries one worth relaying; else the error itself. */
export function relayDownstreamCode(error: unknown): unknown {
  if (!(error instanceof TokenBrokerError) || !RELAYED_STATUSES.has(error.status)) return error;
  const downstreamCode = error.extensions?.['downstreamCode'];
  if (typeof downstreamCode !== 'string' || !RELAYED_CODES.has(downstreamCode)) return error;
  if (downstreamCode === error.code) return error;
  return new RelayedDownstreamError({
    code: downstreamCode as RelayedCode,
    status: error.status,
    detail: error.detail,
    wwwAuthenticate: error.wwwAuthenticate,
    retryAfterSeconds: error.retryAfterSeconds,
    extensions: error.extensions,
    cause: error,
  });
}
