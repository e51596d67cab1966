import { EventEmitter } from 'node:events';

import { Injectable } from '@nestjs/common';

import type { DownstreamFlow } from './token-broker.options';

/** Where a cached token was found. */
export type CacheLevel = 'l1' | 'l2';

/** Payloads of the broker's events, by event name. None carries token material. */
export interface TokenBrokerEventMap {
  /** A token was served from cache. */
  'cache-hit': { downstream: string; flow: DownstreamFlow; level: CacheLevel };
  /** No usable cached token: the caller waits for an acquisition (its own or one in flight). */
  'cache-miss': { downstream: string; flow: DownstreamFlow };
  /** A cached token inside the refresh-ahead window was served and a background renewal started. */
  refresh: { downstream: string; flow: DownstreamFlow };
  /** One call to the token service finished (each attempt), with its latency. */
  'token-request': { downstream: string; flow: DownstreamFlow; durationMs: number; ok: boolean };
  /** An acquisition failed with a typed error code. */
  failure: { downstream: string; flow: DownstreamFlow; code: string };
  /** Another replica held the acquisition lease; how waiting for its L2 entry ended. */
  'lease-wait': { downstream: string; flow: DownstreamFlow; outcome: 'l2-hit' | 'gave-up'; waitedMs: number };
  /** A cached token was dropped from L1 and L2 because a downstream refused it (401). */
  evicted: { downstream: string; flow: DownstreamFlow; reason: 'refused' };
  /** The L2 cache (Redis) failed; the broker carried on with L1 and the token service. */
  'l2-error': { operation: string; message: string };
}

/** Running totals per downstream, for the inspector and the benchmarks. */
export interface DownstreamTokenStats {
  hits: number;
  l2Hits: number;
  misses: number;
  refreshes: number;
  tokenRequests: number;
  tokenRequestFailures: number;
  tokenServiceMsTotal: number;
  failures: number;
}

type Listener<K extends keyof TokenBrokerEventMap> = (payload: TokenBrokerEventMap[K]) => void;

/**
 * The broker's observable side: subscribe with `on('cache-hit', …)` etc., or read `stats()`.
 * Listeners run synchronously; an exception in one is not the broker's to handle, so keep them small.
 */
@Injectable()
export class TokenBrokerEvents {
  private readonly emitter = new EventEmitter();
  private readonly totals = new Map<string, DownstreamTokenStats>();

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends keyof TokenBrokerEventMap>(event: K, listener: Listener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Emits an event and updates the running totals. */
  emit<K extends keyof TokenBrokerEventMap>(event: K, payload: TokenBrokerEventMap[K]): void {
    this.count(event, payload);
    this.emitter.emit(event, payload);
  }

  /** A copy of the running totals per downstream name. */
  stats(): Record<string, DownstreamTokenStats> {
    return Object.fromEntries([...this.totals].map(([name, s]) => [name, { ...s }]));
  }

  private count<K extends keyof TokenBrokerEventMap>(event: K, payload: TokenBrokerEventMap[K]): void {
    if (!('downstream' in payload)) return;
    const s = this.totals.get(payload.downstream) ?? emptyStats();
    this.totals.set(payload.downstream, s);
    if (event === 'cache-hit') {
      s.hits += 1;
      if ((payload as TokenBrokerEventMap['cache-hit']).level === 'l2') s.l2Hits += 1;
    } else if (event === 'cache-miss') s.misses += 1;
    else if (event === 'refresh') s.refreshes += 1;
    else if (event === 'failure') s.failures += 1;
    else if (event === 'token-request') {
      const p = payload as TokenBrokerEventMap['token-request'];
      s.tokenRequests += 1;
      s.tokenServiceMsTotal += p.durationMs;
      if (!p.ok) s.tokenRequestFailures += 1;
    }
  }
}

function emptyStats(): DownstreamTokenStats {
  return {
    hits: 0,
    l2Hits: 0,
    misses: 0,
    refreshes: 0,
    tokenRequests: 0,
    tokenRequestFailures: 0,
    tokenServiceMsTotal: 0,
    failures: 0,
  };
}

// Types that belong to the class, reachable as `TokenBrokerEvents.EventMap` without another export.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace TokenBrokerEvents {
  /** Each event the broker emits and its payload. */
  export type EventMap = TokenBrokerEventMap;
}
