import { AuthEnv, AuthModule, TokenBrokerModule } from '@chain/auth';
import { authOptionsFromEnv, PlatformModule } from '@chain/platform';
import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { DestinationStream } from 'pino';

import { ChainModule } from './chain/chain.module';
import { CorsMiddleware } from './common/cors.middleware';
import { DownstreamProblemInterceptor } from './common/downstream-problem.interceptor';
import { NoStoreMiddleware } from './common/no-store.middleware';
import { RedisCacheHealthIndicator } from './common/redis-cache.health-indicator';
import { TokenCacheHealthModule } from './common/token-cache-health.module';
import { bffConfig, type BffEnv } from './config/bff.config';
import { DocumentsModule } from './documents/documents.module';
import { MeModule } from './me/me.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { RelayModule } from './relay/relay.module';

/** Service name in logs, OpenAPI and hop records (`HopRecord.from`). */
export const BFF_NAME = 'bff';

/** What a test (or an embedding) may add to the environment: nothing that changes behaviour. */
export interface BffModuleOptions {
  /**
   * Extra PEM CA trusted for the token service's TLS (a private authority such as the in-process
   * emulator when `NODE_EXTRA_CA_CERTS` cannot be set). Verification is never disabled.
   */
  readonly tokenServiceCaPem?: string;
  /** Where the JSON logs go (default stdout); tests pass a stream to scan them. */
  readonly logDestination?: DestinationStream;
}

/**
 * The BFF: the API the SPA calls with `api://bff/access_as_user` user tokens. It never forwards that
 * token: program-service and documents-service get on-behalf-of tokens (or, where the identity provider
 * has no on-behalf-of, the BFF's own token with a signed user-delegation proof), pricing-service the BFF's
 * own client-credentials token, all from the TokenBroker and the declared downstreams.
 */
@Module({})
export class AppModule implements NestModule {
  /** @param env the validated environment; default: read from `process.env`. */
  static forRoot(env: BffEnv = bffConfig(), options: BffModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({
          name: BFF_NAME,
          logLevel: env.LOG_LEVEL,
          logDestination: options.logDestination,
          jwksUri: env.AUTH_JWKS_URI,
          readinessChecks: [RedisCacheHealthIndicator],
          problemDetails: true,
          requestContext: true,
        }),
        AuthModule.forRoot(authOptionsFromEnv(env)),
        TokenBrokerModule.forRoot({
          authority: env.AUTH_AUTHORITY,
          knownAuthorities: env.AUTH_KNOWN_AUTHORITIES ?? [],
          clientId: env.AUTH_CLIENT_ID,
          serviceName: BFF_NAME,
          credential: AuthEnv.clientCredential(env),
          downstreams: env.downstreams,
          requestDeadlineMs: env.REQUEST_DEADLINE_MS,
          cache: {
            ...(env.TOKEN_CACHE_REDIS_URL === undefined ? {} : { redisUrl: env.TOKEN_CACHE_REDIS_URL }),
            ...(env.TOKEN_CACHE_ENCRYPTION_KEY === undefined
              ? {}
              : { encryptionKey: env.TOKEN_CACHE_ENCRYPTION_KEY }),
          },
          ...(options.tokenServiceCaPem === undefined
            ? {}
            : { tokenServiceCaPem: options.tokenServiceCaPem }),
          ...delegationOf(env),
        }),
        TokenCacheHealthModule,
        MeModule,
        ProgrammesModule,
        DocumentsModule,
        RelayModule,
        ...(env.CHAIN_TRACE ? [ChainModule] : []),
      ],
      providers: [
        { provide: bffConfig.KEY, useValue: env },
        { provide: APP_INTERCEPTOR, useClass: DownstreamProblemInterceptor },
      ],
      exports: [bffConfig.KEY],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every path and method, OPTIONS preflights included (they match no route and never reach the guard).
    consumer.apply(CorsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    consumer.apply(NoStoreMiddleware).forRoutes({ path: 'api/{*path}', method: RequestMethod.ALL });
  }
}

/** The key that signs user-delegation proofs (`AUTH_DELEGATION_SIGNING_KEY` or `_FILE`), when set. */
function delegationOf(env: BffEnv): { delegation?: { signingKeyPem: string } } {
  const delegation = AuthEnv.delegationSigningKey({
    AUTH_DELEGATION_SIGNING_KEY: env.AUTH_DELEGATION_SIGNING_KEY,
    AUTH_DELEGATION_SIGNING_KEY_FILE: env.AUTH_DELEGATION_SIGNING_KEY_FILE,
  });
  return delegation === undefined ? {} : { delegation };
}
