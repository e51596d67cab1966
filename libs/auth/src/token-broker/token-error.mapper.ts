import { buildBearerChallenge } from '../errors';
import { FEDERATED_TOKEN_UNREADABLE } from './client-credential';
import { TokenServiceFailure, TokenServiceFailureKind } from './token-acquirer.port';
import { TokenBrokerError } from './token-broker.errors';
import { DownstreamFlow } from './token-broker.options';
import { BrokenCircuitError, TaskCancelledError } from './token-service.policy';

/** What the mapper needs to know to explain a failure. */
export interface TokenFailureContext {
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  readonly clientId: string;
  readonly authority: string;
  readonly breakerOpenForMs: number;
}

/** `Retry-After` of a 503/504 when the cause gives none, in seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** AADSTS numbers that mean "the app's own credential is wrong" (docs/entra-protocol.md#token-endpoint-errors). */
const CLIENT_CREDENTIAL_CODES: ReadonlySet<number> = new Set([
  7000215, 7000222, 700027, 700024, 7000218, 700016,
  // a federated credential (workload identity) that matches no federated identity record, or whose signing
  // key the issuer does not publish (docs/emulator.md "Federated identity credentials")
  70021, 700211, 700212, 700213, 7000272,
]);
const CONSENT_CODES: ReadonlySet<number> = new Set([65001, 65004]);
/**
 * AADSTS numbers of an on-behalf-of request refused because of the incoming assertion — the caller's own
 * access token: 50013 invalid assertion (signature — e.g. a retired signing key —, issuer, lifetime,
 * format), 50027 invalid JWT, 500131 audience is not the calling app. 500133 (expired) is handled apart.
 */
const ASSERTION_CODES: ReadonlySet<number> = new Set([50013, 50027, 500131]);

const aadsts = (f: TokenServiceFailure): string =>
  f.details.errorCodes?.length ? ` (AADSTS${f.details.errorCodes.join(', AADSTS')})` : '';

function unavailable(detail: string, retryAfterSeconds: number, cause: unknown): TokenBrokerError {
  return new TokenBrokerError({
    code: 'token_service_unavailable',
    status: 503,
    detail,
    retryAfterSeconds,
    cause,
  });
}

/** Whether a failure means the app's own client credential is wrong (a deployment error, 500-class). */
export function isClientCredentialFailure(f: TokenServiceFailure): boolean {
  const { error, errorCodes = [] } = f.details;
  return (
    error === 'invalid_client' ||
    error === 'unauthorized_client' ||
    errorCodes.some((c) => CLIENT_CREDENTIAL_CODES.has(c))
  );
}

function isConsentFailure(f: TokenServiceFailure): boolean {
  const { error, subError, errorCodes = [] } = f.details;
  return (
    subError === 'consent_required' ||
    error === 'consent_required' ||
    errorCodes.some((c) => CONSENT_CODES.has(c))
  );
}

/** Whether an on-behalf-of refusal is about the incoming assertion (the caller's token), not about us. */
export function isAssertionFailure(f: TokenServiceFailure): boolean {
  return f.details.errorCodes?.some((c) => ASSERTION_CODES.has(c)) ?? false;
}

/**
 * 401 `invalid_token`: the token service refused the caller's own token as an on-behalf-of assertion —
 * signed by a key it has retired, or otherwise unusable — so the caller must get a new one, as with an
 * expired token; a 502 would blame this service for it.
 */
function assertionRejected(f: TokenServiceFailure): TokenBrokerError {
  const audience = f.details.errorCodes?.includes(500131) === true;
  const detail = audience
    ? 'The token service refused the access token for the downstream exchange: it is not meant for this API; acquire a new one.'
    : 'The token service refused the access token for the downstream exchange (for example, it was signed with a key that has since been retired); acquire a new one.';
  return new TokenBrokerError({
    code: audience ? 'token_audience_invalid' : 'token_assertion_rejected',
    status: 401,
    detail,
    wwwAuthenticate: buildBearerChallenge({
      error: 'invalid_token',
      errorDescription: 'The access token was refused by the token service',
    }),
    cause: f,
  });
}

/**
 * Workload identity misconfigured — the token file unreadable (503) or the federated credential refused by
 * the token service (502): a configuration error named for the operator, not a 500. The file's path and
 * the token never reach the caller; the service's log names them (token-failure.diagnostics).
 */
function federatedFailure(f: TokenServiceFailure, ctx: TokenFailureContext): TokenBrokerError | undefined {
  if (f.details.error === FEDERATED_TOKEN_UNREADABLE) {
    return new TokenBrokerError({
      code: 'federated_token_unreadable',
      status: 503,
      detail:
        "The service cannot read its workload identity token file (AZURE_FEDERATED_TOKEN_FILE); an operator must fix the pod's projected service-account token (see the service's log).",
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
      cause: f,
    });
  }
  if (f.details.credentialKind !== 'federated-token-file' || !isClientCredentialFailure(f)) return undefined;
  return new TokenBrokerError({
    code: 'federated_credential_rejected',
    status: 502,
    detail: `The token service refused the workload identity token of application ${ctx.clientId}${aadsts(f)}: an operator must make a federated identity credential of that application match the token's issuer, subject and audience (api://AzureADTokenExchange).`,
    cause: f,
  });
}

function rejected(f: TokenServiceFailure, ctx: TokenFailureContext): TokenBrokerError {
  const scopes = ctx.scopes.join(' ');
  const federated = federatedFailure(f, ctx);
  if (federated !== undefined) return federated;
  if (isClientCredentialFailure(f)) {
    return new TokenBrokerError({
      code: 'client_credentials_invalid',
      status: 500,
      detail:
        'The service cannot authenticate itself to the token service; an operator must fix its credentials.',
      cause: f,
    });
  }
  if (isConsentFailure(f)) {
    return new TokenBrokerError({
      code: 'consent_required',
      status: 403,
      detail: `No consent for the permission(s) "${scopes}" that downstream "${ctx.downstream}" needs: an administrator must grant consent to application ${ctx.clientId} for ${scopes}${aadsts(f)}.`,
      extensions: { downstream: ctx.downstream, scopes: [...ctx.scopes] },
      cause: f,
    });
  }
  if (f.details.claims) {
    return new TokenBrokerError({
      code: 'claims_challenge',
      status: 401,
      detail: `Downstream "${ctx.downstream}" requires a stronger sign-in (claims challenge); acquire a new token with the claims in WWW-Authenticate and retry.`,
      wwwAuthenticate: buildBearerChallenge({
        error: 'insufficient_claims',
        errorDescription: 'A claims challenge from the token service must be satisfied',
        claims: Buffer.from(f.details.claims, 'utf8').toString('base64'),
        authorizationUri: `${ctx.authority}/oauth2/v2.0/authorize`,
      }),
      cause: f,
    });
  }
  if (ctx.flow === DownstreamFlow.OnBehalfOf && isAssertionFailure(f)) return assertionRejected(f);
  if (f.details.errorCodes?.includes(500133)) {
    return new TokenBrokerError({
      code: 'token_expired',
      status: 401,
      detail:
        'The access token expired before it could be exchanged for the downstream call; acquire a new one.',
      wwwAuthenticate: buildBearerChallenge({
        error: 'invalid_token',
        errorDescription: 'The access token expired',
      }),
      cause: f,
    });
  }
  const hint =
    f.details.error === 'invalid_scope' || f.details.error === 'invalid_resource'
      ? ` Check the scopes declared for downstream "${ctx.downstream}" (DOWNSTREAM_APIS__${ctx.downstream.toUpperCase()}__SCOPES).`
      : '';
  return new TokenBrokerError({
    code: 'token_service_rejected',
    status: 502,
    detail: `The token service refused the ${ctx.flow} request for downstream "${ctx.downstream}": ${f.details.error ?? 'error'}${aadsts(f)}.${hint}`,
    cause: f,
  });
}

/** 503 before asking: the token service's `Retry-After` for this authority has not passed yet. */
export function throttledByTokenService(authority: string, retryAfterSeconds: number): TokenBrokerError {
  return unavailable(
    `The token service at ${authority} asked to wait before the next request (Retry-After); retry later.`,
    retryAfterSeconds,
    undefined,
  );
}

/** 503: the request's time budget ran out before a token could be obtained. */
export function tokenBudgetSpent(downstream: string): TokenBrokerError {
  return unavailable(
    `No token for downstream "${downstream}" could be obtained within the request's time budget; retry later.`,
    DEFAULT_RETRY_AFTER_SECONDS,
    undefined,
  );
}

/**
 * Maps whatever the acquisition pipeline threw into the typed error the caller receives (docs/token-broker.md
 * "Failure mapping": consent → 403, step-up → 401 `insufficient_claims` with the same claims, the caller's
 * own token refused as an on-behalf-of assertion → 401 `invalid_token`, bad client credentials → 500-class
 * config error, token service down/slow/throttled or breaker open → 503 + Retry-After). Unknown errors pass
 * through.
 */
export function mapTokenFailure(error: unknown, ctx: TokenFailureContext): unknown {
  if (error instanceof BrokenCircuitError) {
    return unavailable(
      `The token service at ${ctx.authority} is failing; calls are paused (circuit open).`,
      Math.ceil(ctx.breakerOpenForMs / 1000),
      error,
    );
  }
  if (error instanceof TaskCancelledError) {
    return unavailable('The token service did not answer in time.', DEFAULT_RETRY_AFTER_SECONDS, error);
  }
  if (!(error instanceof TokenServiceFailure)) return error;
  if (error.details.kind === TokenServiceFailureKind.Rejected) return rejected(error, ctx);
  const what =
    error.details.kind === TokenServiceFailureKind.Unavailable
      ? `answered HTTP ${error.details.status ?? '5xx'}`
      : error.details.kind === TokenServiceFailureKind.Timeout
        ? 'did not answer in time'
        : 'could not be reached';
  return unavailable(
    `The token service ${what}; retry later.`,
    error.details.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    error,
  );
}
