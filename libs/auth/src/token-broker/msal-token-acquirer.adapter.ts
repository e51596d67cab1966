import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  InteractionRequiredAuthError,
  LogLevel,
  ServerError,
} from '@azure/msal-node';

import { transportCodeOf } from '../errors/transport-cause';
import { FEDERATED_TOKEN_UNREADABLE, FederatedTokenFileError, readFederatedToken } from './client-credential';
import {
  type AcquiredToken,
  type TokenAcquirer,
  type TokenRequest,
  TokenServiceFailure,
  TokenServiceFailureKind,
} from './token-acquirer.port';
import {
  type ClientCredential,
  DownstreamFlow,
  TOKEN_BROKER_DEFAULTS,
  type TokenBrokerOptions,
} from './token-broker.options';
import { TokenServiceHttpClient, type TransportObservation } from './token-service-http.client';

/**
 * Production {@link TokenAcquirer}: one @azure/msal-node `ConfidentialClientApplication` per broker.
 *
 * The broker's own cache is the source of truth, so every call passes `skipCache: true` and MSAL's in-memory
 * token cache is cleared after each call (authority metadata survives `clearCache()`). Why: msal-node's OBO
 * cache is keyed by the hash of each incoming assertion and never consults cache plugins when reading
 * (docs/entra-protocol.md#msal-behaviour-the-code-relies-on), so it cannot be shared between replicas and would otherwise grow by one entry (access
 * token, refresh token, id token, account) per user assertion for the life of the process. Clearing also
 * drops MSAL's local throttling entries, so the broker's retry policy alone decides when to call again.
 */
export class MsalTokenAcquirer implements TokenAcquirer {
  private readonly http: TokenServiceHttpClient;
  private readonly msal: ConfidentialClientApplication;
  private readonly credentialKind: ClientCredential['kind'];

  constructor(options: TokenBrokerOptions) {
    this.credentialKind = options.credential.kind;
    this.http = new TokenServiceHttpClient({
      timeoutMs: options.tokenServiceTimeoutMs ?? TOKEN_BROKER_DEFAULTS.tokenServiceTimeoutMs,
      caPem: options.tokenServiceCaPem,
    });
    this.msal = new ConfidentialClientApplication(msalConfiguration(options, this.http));
  }

  async acquire(request: TokenRequest): Promise<AcquiredToken> {
    try {
      const result =
        request.flow === DownstreamFlow.OnBehalfOf
          ? await this.msal.acquireTokenOnBehalfOf({
              oboAssertion: request.assertion ?? '',
              scopes: [...request.scopes],
              skipCache: true,
              claims: request.claims,
              correlationId: request.correlationId,
            })
          : await this.msal.acquireTokenByClientCredential({
              scopes: [...request.scopes],
              skipCache: true,
              claims: request.claims,
              correlationId: request.correlationId,
            });
      if (!result?.accessToken || !result.expiresOn) {
        throw new TokenServiceFailure({ kind: TokenServiceFailureKind.Rejected, error: 'empty_response' });
      }
      return { accessToken: result.accessToken, expiresOnMs: result.expiresOn.getTime() };
    } catch (error) {
      const failure = toFailure(
        error,
        this.http.takeObservation(request.correlationId),
        request.correlationId,
      );
      if (this.credentialKind !== 'federated-token-file') throw failure;
      throw new TokenServiceFailure(
        { ...failure.details, credentialKind: this.credentialKind },
        { cause: error },
      );
    } finally {
      this.msal.clearCache();
    }
  }

  /** Closes the pooled token-service sockets. */
  close(): void {
    this.http.destroy();
  }
}

function msalConfiguration(
  options: TokenBrokerOptions,
  networkClient: TokenServiceHttpClient,
): Configuration {
  const credential = options.credential;
  return {
    auth: {
      clientId: options.clientId,
      authority: options.authority,
      knownAuthorities: options.knownAuthorities ?? [],
      ...(credential.kind === 'secret' ? { clientSecret: credential.secret } : {}),
      ...(credential.kind === 'certificate'
        ? {
            clientCertificate: {
              thumbprintSha256: credential.thumbprintSha256,
              privateKey: credential.privateKeyPem,
              x5c: credential.x5c,
            },
          }
        : {}),
      ...(credential.kind === 'assertion' ? { clientAssertion: () => credential.getAssertion() } : {}),
      // Read per acquisition, never cached here: the kubelet rotates the file (docs/auth.md).
      ...(credential.kind === 'federated-token-file'
        ? { clientAssertion: () => readFederatedToken(credential.tokenFilePath) }
        : {}),
    },
    // MSAL logs nothing: its messages can quote token-endpoint descriptions; the broker logs what matters.
    system: {
      networkClient,
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  };
}

/**
 * AADSTS numbers: all of the error body's `error_codes` as the transport saw them, else MSAL's `errorNo`
 * (the first of them) — structured fields, never parsed out of the message text.
 */
function errorCodesOf(error: AuthError, seen: TransportObservation | undefined): number[] {
  if (seen?.errorCodes?.length) return [...seen.errorCodes];
  const errorNo = Number((error as Partial<ServerError>).errorNo);
  return Number.isInteger(errorNo) && errorNo > 0 ? [errorNo] : [];
}

/**
 * Normalises an MSAL error into a {@link TokenServiceFailure} (no token material in it), keeping what an
 * operator needs to find the cause: MSAL's `errorCode`, `subError` and `correlationId`, the AADSTS numbers,
 * the token service's `trace_id`, and the transport's error code when there was no answer.
 */
export function toFailure(
  error: unknown,
  seen: TransportObservation | undefined,
  requestCorrelationId?: string,
): TokenServiceFailure {
  if (error instanceof TokenServiceFailure) return error;
  if (error instanceof FederatedTokenFileError) {
    // This service's own configuration, not the token service: no request was sent, no retry helps.
    return new TokenServiceFailure(
      {
        kind: TokenServiceFailureKind.Rejected,
        error: FEDERATED_TOKEN_UNREADABLE,
        correlationId: requestCorrelationId,
        configurationProblem: error.message,
      },
      { cause: error },
    );
  }
  if (!(error instanceof AuthError)) {
    return new TokenServiceFailure(
      {
        kind: seen?.kind ?? TokenServiceFailureKind.Network,
        correlationId: requestCorrelationId,
        transportCode: seen?.transportCode ?? transportCodeOf(error),
      },
      { cause: error },
    );
  }
  const base = {
    status: seen?.status ?? (error instanceof ServerError ? error.status : undefined),
    error: error.errorCode || undefined,
    subError: error.subError || undefined,
    errorCodes: errorCodesOf(error, seen),
    retryAfterSeconds: seen?.retryAfterSeconds,
    correlationId: error.correlationId || requestCorrelationId,
    traceId: seen?.traceId ?? ((error as Partial<InteractionRequiredAuthError>).traceId || undefined),
    transportCode: seen?.transportCode,
  };
  if (error instanceof InteractionRequiredAuthError) {
    return new TokenServiceFailure({
      ...base,
      kind: TokenServiceFailureKind.Rejected,
      claims: error.claims || undefined,
    });
  }
  return new TokenServiceFailure({ ...base, kind: failureKind(error, base.status, seen) });
}

function failureKind(
  error: AuthError,
  status: number | undefined,
  seen?: TransportObservation,
): TokenServiceFailureKind {
  if (seen) return seen.kind;
  if (
    error.errorCode === 'temporarily_unavailable' ||
    status === 429 ||
    (status !== undefined && status >= 500)
  ) {
    return TokenServiceFailureKind.Unavailable;
  }
  if (error.errorCode === 'network_error' || error.errorCode === 'endpoints_resolution_error') {
    return TokenServiceFailureKind.Network;
  }
  return TokenServiceFailureKind.Rejected;
}
