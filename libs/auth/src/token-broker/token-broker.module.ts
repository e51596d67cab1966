import { HttpModule } from '@nestjs/axios';
import { type DynamicModule, Module } from '@nestjs/common';

import { DownstreamClient } from '../downstream/downstream.client';
import { MsalTokenAcquirer } from './msal-token-acquirer.adapter';
import { NoSharedTokenStore, RedisTokenStore, SHARED_TOKEN_STORE } from './shared-token.store';
import { TOKEN_ACQUIRER } from './token-acquirer.port';
import { TokenBrokerEvents } from './token-broker.events';
import {
  TOKEN_BROKER_OPTIONS,
  type TOKEN_BROKER_OPTIONS_TYPE,
  TokenBrokerConfigurableModule,
} from './token-broker.module-definition';
import { TOKEN_BROKER_DEFAULTS, type TokenBrokerOptions } from './token-broker.options';
import { TOKEN_BROKER_CLOCK, TokenBroker } from './token-broker.service';
import {
  resolveTokenBrokerSettings,
  TOKEN_BROKER_SETTINGS,
  type TokenBrokerSettings,
} from './token-broker.settings';

/** How long boot waits for Redis before going on with L1 only (it keeps reconnecting), in milliseconds. */
const REDIS_BOOT_WAIT_MS = 1_000;

/**
 * Token acquisition for calling downstream APIs (Microsoft.Identity.Web's
 * `EnableTokenAcquisitionToCallDownstreamApi` + `DownstreamApis` for Nest): provides {@link TokenBroker},
 * {@link DownstreamClient} and {@link TokenBrokerEvents}. Options are validated at boot; a bad downstream
 * declaration or credential stops the app with a message naming the fix.
 *
 * With a delegation signing key (`options.delegation`), `forRoot` also serves the key's public half at
 * `GET /.well-known/delegation-jwks.json` (`@Public()`).
 *
 * Ports a test may override: `TOKEN_ACQUIRER` (token service), `SHARED_TOKEN_STORE` (L2), `TOKEN_BROKER_CLOCK`.
 */
@Module({
  imports: [HttpModule],
  providers: [
    {
      provide: TOKEN_BROKER_SETTINGS,
      inject: [TOKEN_BROKER_OPTIONS],
      useFactory: (options: TokenBrokerOptions) => resolveTokenBrokerSettings(options),
    },
    {
      provide: TOKEN_ACQUIRER,
      inject: [TOKEN_BROKER_OPTIONS, TOKEN_BROKER_SETTINGS],
      useFactory: (options: TokenBrokerOptions) => new MsalTokenAcquirer(options),
    },
    {
      provide: SHARED_TOKEN_STORE,
      inject: [TOKEN_BROKER_SETTINGS, TokenBrokerEvents],
      useFactory: async (settings: TokenBrokerSettings, events: TokenBrokerEvents) => {
        if (!settings.redis) return new NoSharedTokenStore();
        const store = new RedisTokenStore(settings.redis, events);
        await store.whenReady(REDIS_BOOT_WAIT_MS);
        return store;
      },
    },
    { provide: TOKEN_BROKER_CLOCK, useValue: { now: () => Date.now() } },
    TokenBrokerEvents,
    TokenBroker,
    DownstreamClient,
  ],
  exports: [TokenBroker, TokenBrokerEvents, DownstreamClient],
})
export class TokenBrokerModule extends TokenBrokerConfigurableModule {
  /** The defaults of {@link TokenBrokerOptions} (cache sizes, refresh-ahead, time budgets). */
  static readonly DEFAULTS = TOKEN_BROKER_DEFAULTS;

  static override forRoot(options: typeof TOKEN_BROKER_OPTIONS_TYPE): DynamicModule {
    return super.forRoot({
      ...options,
      publishDelegationJwks: options.publishDelegationJwks ?? options.delegation !== undefined,
    });
  }
}
