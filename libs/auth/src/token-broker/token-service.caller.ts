import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import type { CircuitBreakerPolicy, IPolicy } from 'cockatiel';

import { type TokenAcquirer, TokenServiceFailure } from './token-acquirer.port';
import { TokenBrokerError } from './token-broker.errors';
import type { TokenBrokerEvents } from './token-broker.events';
import type { DownstreamFlow } from './token-broker.options';
import type { TokenBrokerSettings } from './token-broker.settings';
import type { CachedToken } from './token-cache';
import { isClientCredentialFailure, mapTokenFailure } from './token-error.mapper';
import { createAuthorityBreaker, createTokenServicePolicy } from './token-service.policy';

/** One request the broker sends to the token service (after caching and single-flight). */
export interface TokenCall {
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  readonly assertion?: string;
  readonly claims?: string;
  readonly retryAttempts: number;
}

/**
 * Calls the token service through the resilience policy (per-attempt timeout, retries per downstream, one
 * circuit breaker for the authority), emits `token-request` / `failure` events, maps failures to typed
 * errors, and logs an actionable line (never the secret) when the client credentials are rejected.
 */
export class TokenServiceCaller {
  private readonly logger = new Logger('TokenBroker');
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policies = new Map<number, IPolicy>();

  constructor(
    private readonly settings: TokenBrokerSettings,
    private readonly acquirer: TokenAcquirer,
    private readonly events: TokenBrokerEvents,
  ) {
    this.breaker = createAuthorityBreaker(settings);
  }

  /** One acquisition through the policy; failures become typed errors (and a `failure` event). */
  async call(acq: TokenCall): Promise<CachedToken> {
    try {
      // A signal per execution: cockatiel would otherwise hang every listener on one shared signal.
      return await this.policyFor(acq.retryAttempts).execute(
        () => this.attempt(acq),
        new AbortController().signal,
      );
    } catch (error) {
      const mapped = mapTokenFailure(error, {
        downstream: acq.downstream,
        flow: acq.flow,
        scopes: acq.scopes,
        clientId: this.settings.clientId,
        authority: this.settings.authority,
        breakerOpenForMs: this.settings.breakerOpenForMs,
      });
      if (error instanceof TokenServiceFailure && isClientCredentialFailure(error))
        this.logClientCredentialFailure(error);
      const code = mapped instanceof TokenBrokerError ? mapped.code : 'internal';
      this.events.emit('failure', { downstream: acq.downstream, flow: acq.flow, code });
      throw mapped;
    }
  }

  private async attempt(acq: TokenCall): Promise<CachedToken> {
    const started = Date.now();
    const base = { downstream: acq.downstream, flow: acq.flow };
    try {
      const token = await this.acquirer.acquire({
        flow: acq.flow,
        scopes: acq.scopes,
        assertion: acq.assertion,
        claims: acq.claims,
        correlationId: randomUUID(),
      });
      this.events.emit('token-request', { ...base, durationMs: Date.now() - started, ok: true });
      return token;
    } catch (error) {
      this.events.emit('token-request', { ...base, durationMs: Date.now() - started, ok: false });
      throw error;
    }
  }

  private policyFor(retryAttempts: number): IPolicy {
    let policy = this.policies.get(retryAttempts);
    if (!policy) {
      policy = createTokenServicePolicy(
        { ...this.settings, timeoutMs: this.settings.tokenServiceTimeoutMs, retryAttempts },
        this.breaker,
      );
      this.policies.set(retryAttempts, policy);
    }
    return policy;
  }

  private logClientCredentialFailure(f: TokenServiceFailure): void {
    const codes = f.details.errorCodes?.length ? ` AADSTS${f.details.errorCodes.join(',AADSTS')}` : '';
    this.logger.error(
      `token service rejected the client credentials of app ${this.settings.clientId} at ${this.settings.authority} (${f.details.error ?? 'invalid_client'}${codes}): check AUTH_CLIENT_ID and AUTH_CLIENT_SECRET (the secret's value, not its id, and not expired) or the certificate (AUTH_CLIENT_CERTIFICATE_PATH, registered on the app)`,
    );
  }
}
