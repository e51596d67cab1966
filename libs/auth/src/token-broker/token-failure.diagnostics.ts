import { hostOfUrl, transportCauseOf, transportHint } from '../errors/transport-cause';
import { TokenServiceFailure, type TokenServiceFailureDetails } from './token-acquirer.port';
import { TokenBrokerError } from './token-broker.errors';
import type { DownstreamFlow } from './token-broker.options';
import { isAssertionFailure, isClientCredentialFailure } from './token-error.mapper';
import { BrokenCircuitError, TaskCancelledError } from './token-service.policy';

/** What a diagnosis names besides the failure itself. */
export interface TokenDiagnosisContext {
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly authority: string;
  readonly knownAuthorities: readonly string[];
  readonly clientId: string;
  readonly attemptTimeoutMs: number;
}

/** One log line for an operator, and how loud it should be. */
export interface TokenFailureDiagnosis {
  readonly level: 'debug' | 'warn' | 'error';
  readonly line: string;
}

/** MSAL error codes meaning "the authority could not be resolved or is not trusted" (msal-common). */
const AUTHORITY_ERRORS: ReadonlySet<string> = new Set([
  'untrusted_authority',
  'endpoints_resolution_error',
  'invalid_authority_metadata',
  'invalid_cloud_discovery_metadata',
  'issuer_validation_failed',
  'authority_mismatch',
]);
/** Answers that are the caller's business (a step-up, an expired token), not an operator's. */
const QUIET_CODES: ReadonlySet<string> = new Set(['claims_challenge', 'token_expired']);

/**
 * The log line for a failed token acquisition: the downstream, flow and authority, the answer given, and
 * MSAL's `errorCode`, `subError` and `correlationId` with the AADSTS numbers, HTTP status, `trace_id` and
 * transport code — never the assertion, a token or a secret — plus a hint for the known causes (an
 * authority host MSAL does not trust → `AUTH_KNOWN_AUTHORITIES`; an untrusted certificate → the CA).
 * Undefined for a fast failure that adds nothing (circuit open).
 */
export function diagnoseTokenFailure(
  error: unknown,
  mapped: unknown,
  ctx: TokenDiagnosisContext,
): TokenFailureDiagnosis | undefined {
  if (error instanceof BrokenCircuitError) return undefined;
  const answer = mapped instanceof TokenBrokerError ? `${mapped.status} ${mapped.code}` : 'an error';
  const head = `token request for downstream "${ctx.downstream}" (${ctx.flow}) at ${ctx.authority} failed, answered ${answer}`;
  if (error instanceof TaskCancelledError)
    return { level: 'warn', line: `${head}: no answer within ${ctx.attemptTimeoutMs} ms per attempt` };
  if (!(error instanceof TokenServiceFailure))
    return { level: 'warn', line: `${head}: ${error instanceof Error ? error.name : 'unknown error'}` };
  const hint = hintFor(error, ctx);
  const line = `${head}: ${fieldsOf(error.details)}${hint ? `. Hint: ${hint}` : ''}`;
  if (isClientCredentialFailure(error) || error.details.configurationProblem !== undefined)
    return { level: 'error', line };
  const quiet = mapped instanceof TokenBrokerError && QUIET_CODES.has((mapped as TokenBrokerError).code);
  return { level: quiet ? 'debug' : 'warn', line };
}

function fieldsOf(d: TokenServiceFailureDetails): string {
  const codes = d.errorCodes?.length ? d.errorCodes.map((c) => `AADSTS${c}`).join(',') : 'none';
  return [
    `kind=${d.kind}`,
    `errorCode=${d.error ?? 'none'}`,
    `subError=${d.subError ?? 'none'}`,
    `aadsts=${codes}`,
    `httpStatus=${d.status ?? 'none'}`,
    ...(d.transportCode ? [`transport=${d.transportCode}`] : []),
    `correlationId=${d.correlationId ?? 'none'}`,
    ...(d.traceId ? [`traceId=${d.traceId}`] : []),
  ].join(' ');
}

function hintFor(f: TokenServiceFailure, ctx: TokenDiagnosisContext): string | undefined {
  const d = f.details;
  const host = hostOfUrl(ctx.authority);
  if (d.transportCode) {
    const hint = transportHint(transportCauseOf(d.transportCode), {
      host,
      addressSetting: 'AUTH_AUTHORITY',
      caOption: 'tokenServiceCaPem',
    });
    if (hint) return hint;
  }
  if (d.error !== undefined && AUTHORITY_ERRORS.has(d.error)) return authorityHint(d.error, host, ctx);
  if (d.configurationProblem !== undefined) return d.configurationProblem;
  if (d.credentialKind === 'federated-token-file' && isClientCredentialFailure(f))
    return `the token service refused the federated token (workload identity) of app ${ctx.clientId}: a federated identity credential of that app must name the token's issuer (the cluster's OIDC issuer URL, exactly), subject (system:serviceaccount:<namespace>:<service account>) and audience api://AzureADTokenExchange, and the token file must be fresh (docs/kubernetes.md)`;
  if (isClientCredentialFailure(f))
    return `the token service refused the credentials of app ${ctx.clientId}: check AUTH_CLIENT_ID and AUTH_CLIENT_SECRET (the secret's value, not its id, and not expired) or the certificate (AUTH_CLIENT_CERTIFICATE_PATH, registered on the app)`;
  if (isAssertionFailure(f))
    return "the caller's own access token was refused as the on-behalf-of assertion (after a signing-key rollover, tokens signed by the retired key): the caller signs in again";
  if (d.error === 'invalid_scope' || d.error === 'invalid_resource')
    return `check the scopes declared for downstream "${ctx.downstream}" (DOWNSTREAM_APIS__${ctx.downstream.toUpperCase()}__SCOPES)`;
  if (d.subError === 'consent_required')
    return `an administrator must grant consent to application ${ctx.clientId} for downstream "${ctx.downstream}"`;
  return undefined;
}

function authorityHint(error: string, host: string, ctx: TokenDiagnosisContext): string {
  const known = ctx.knownAuthorities.some((a) => a.toLowerCase() === host.toLowerCase());
  if (!known)
    return `MSAL does not trust the authority host ${host} (${error}): list it in AUTH_KNOWN_AUTHORITIES (host[:port], e.g. AUTH_KNOWN_AUTHORITIES=${host}) — any authority other than Microsoft's public cloud hosts (an emulator, ciamlogin.com, b2clogin.com) must be listed, with the issuer's host when it differs`;
  return `MSAL could not use the metadata of ${ctx.authority} (${error}): check that AUTH_AUTHORITY names the tenant and serves /v2.0/.well-known/openid-configuration, and that the issuer's host is in AUTH_KNOWN_AUTHORITIES too`;
}
