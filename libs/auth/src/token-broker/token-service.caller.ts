import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import type { CircuitBreakerPolicy } from 'cockatiel';

import { Deadline } from '../context/request-deadline';
import type { TokenAcquirer } from './token-acquirer.port';
import { TokenBrokerError } from './token-broker.errors';
import type { TokenBrokerEvents } from './token-broker.events';
import { type DownstreamFlow, TOKEN_BROKER_DEFAULTS } from './token-broker.options';
import type { TokenBrokerSettings } from './token-broker.settings';
import type { BrokerClock } from './token-broker.types';
import type { CachedToken } from './token-cache';
import { mapTokenFailure, throttledByTokenService, tokenBudgetSpent } from './token-error.mapper';
import { diagnoseTokenFailure } from './token-failure.diagnostics';
import { createAuthorityBreaker, createTokenServicePolicy, MIN_ATTEMPT_MS } from './token-service.policy';
import { TokenServiceThrottle } from './token-service.throttle';

/** One request the broker sends to the token service (after caching and single-flight). */
export interface TokenCall {
  readonly downstream: string;
  readonly flow: DownstreamFlow;
  readonly scopes: readonly string[];
  readonly assertion?: string;
  readonly claims?: string;
  readonly retryAttempts: number;
  /** When the acquisition must be over; default: the request budget from now. */
  readonly deadline?: Deadline;
}

/**
 * Calls the token service through the resilience policy (per-attempt timeout, retries per downstream, one
 * circuit breaker for the authority, all inside the request's deadline), honours the authority's
 * `Retry-After` across requests, emits `token-request` / `failure` events, maps failures to typed errors,
 * and logs one diagnostic line per failure (MSAL's codes and a hint; never a token or secret).
 */
export class TokenServiceCaller {
  private readonly logger = new Logger('TokenBroker');
  private readonly breaker: CircuitBreakerPolicy;
  private readonly throttle: TokenServiceThrottle;

  constructor(
    private readonly settings: TokenBrokerSettings,
    private readonly acquirer: TokenAcquirer,
    private readonly events: TokenBrokerEvents,
    clock: BrokerClock = { now: () => Date.now() },
  ) {
    this.breaker = createAuthorityBreaker(settings);
    this.throttle = new TokenServiceThrottle(() => clock.now(), TOKEN_BROKER_DEFAULTS.maxThrottleSeconds);
  }

  /** One acquisition through the policy; failures become typed errors (and a `failure` event). */
  async call(acq: TokenCall): Promise<CachedToken> {
    const deadline = acq.deadline ?? Deadline.of(Date.now(), this.settings.requestDeadlineMs);
    const throttled = this.throttle.remainingSeconds();
    if (throttled !== undefined)
      throw this.failed(acq, throttledByTokenService(this.settings.authority, throttled));
    if (!deadline.allows(MIN_ATTEMPT_MS)) throw this.failed(acq, tokenBudgetSpent(acq.downstream));
    try {
      const policy = createTokenServicePolicy(
        {
          ...this.settings,
          timeoutMs: this.settings.tokenServiceTimeoutMs,
          retryAttempts: acq.retryAttempts,
        },
        this.breaker,
        deadline,
      );
      const token = await policy.execute(() => this.attempt(acq));
      this.throttle.clear();
      return token;
    } catch (error) {
      const mapped = mapTokenFailure(error, {
        downstream: acq.downstream,
        flow: acq.flow,
        scopes: acq.scopes,
        clientId: this.settings.clientId,
        authority: this.settings.authority,
        breakerOpenForMs: this.settings.breakerOpenForMs,
      });
      this.diagnose(acq, error, mapped);
      throw this.failed(acq, mapped);
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
      // Remembered at once, so that concurrent requests stop asking while this one waits to retry.
      this.throttle.remember(error);
      this.events.emit('token-request', { ...base, durationMs: Date.now() - started, ok: false });
      throw error;
    }
  }

  /** Emits the `failure` event for `mapped` and returns it, to be thrown. */
  private failed(acq: TokenCall, mapped: unknown): unknown {
    const code = mapped instanceof TokenBrokerError ? (mapped as TokenBrokerError).code : 'internal';
    this.events.emit('failure', { downstream: acq.downstream, flow: acq.flow, code });
    return mapped;
  }

  private diagnose(acq: TokenCall, error: unknown, mapped: unknown): void {
    const diagnosis = diagnoseTokenFailure(error, mapped, {
      downstream: acq.downstream,
      flow: acq.flow,
      authority: this.settings.authority,
      knownAuthorities: this.settings.knownAuthorities,
      clientId: this.settings.clientId,
      attemptTimeoutMs: this.settings.tokenServiceTimeoutMs,
    });
    if (diagnosis) this.logger[diagnosis.level](diagnosis.line);
  }
}
