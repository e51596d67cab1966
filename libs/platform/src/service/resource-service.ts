import { AuthModule } from '@chain/auth';
import type { DynamicModule, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { z } from 'zod';

import { bootstrapApp, runMain } from '../bootstrap/bootstrap-app';
import { type LogLevel, platformEnvShape } from '../config/env-fields';
import {
  authOptionsFromEnv,
  authorityFromEnv,
  refineResourceServerEnv,
  type ResourceServerEnv,
  resourceServerEnvShape,
} from '../config/resource-server-env';
import type { ReadinessIndicator } from '../health/readiness-indicator';
import type { OpenApiOptions } from '../openapi/openapi.setup';
import { PlatformModule } from '../platform.module';

/**
 * The environment schema of a resource API (an API of the chain that validates tokens, docs/CONTRACTS.md
 * "App env"): `HOST`, `PORT`, `LOG_LEVEL`, `CHAIN_TRACE`, the `AUTH_*` variables with their cross-field rule,
 * and the service's own variables. The result is a zod object under one refinement, the shape the compose
 * checks read (`apps/<app>/src/config/<app>.config.ts`).
 *
 * ```ts
 * export const notesServiceEnvSchema = resourceServerEnvSchema(3004, {
 *   NOTES_LIMIT: integerString(1, 1000).default('100').describe('items per user'),
 * });
 * ```
 *
 * @param defaultPort the port of the service in chain.yaml (what `PORT` defaults to).
 * @param ownShape the service's own variables (default none).
 */
export function resourceServerEnvSchema<Own extends z.ZodRawShape = Record<never, never>>(
  defaultPort: number,
  ownShape: Own = {} as Own,
) {
  return z
    .object({ ...platformEnvShape(defaultPort), ...resourceServerEnvShape, ...ownShape })
    .superRefine((env, ctx) => refineResourceServerEnv(env as ResourceServerEnv, ctx));
}

/** What {@link ServiceModule} and {@link runService} read of a service's validated environment. */
export type ServiceEnv = ResourceServerEnv & {
  readonly HOST: string;
  readonly PORT: number;
  readonly LOG_LEVEL: LogLevel;
  readonly CHAIN_TRACE: boolean;
};

/** Options of {@link ServiceModule.forRoot}. */
export interface ServiceModuleOptions<Env extends ServiceEnv> {
  /** Service name: the `name` of every log line and the OpenAPI title. */
  readonly name: string;
  /** The validated environment (the service's `parse<Service>Env(…)`). */
  readonly env: Env;
  /**
   * The injection token the environment is provided under, app-wide: the `KEY` of the service's
   * `registerAs(...)` config, so that providers inject it as `@Inject(notesServiceConfig.KEY)`.
   */
  readonly configKey: string | symbol;
  /** The service's feature modules. */
  readonly imports?: ModuleMetadata['imports'];
  /** Extra app-wide providers (clocks, stores); they are exported to every module. */
  readonly providers?: readonly Provider[];
  /** Readiness checks beyond the JWKS one (database, storage), as `PlatformModule` takes them. */
  readonly readinessChecks?: readonly Type<ReadinessIndicator>[];
}

/**
 * The plumbing every resource API of the chain repeats, in one import: `PlatformModule` with problem+json
 * errors, the request context and `x-chain-trace` (per `CHAIN_TRACE`), JWKS readiness, JSON logs at
 * `LOG_LEVEL`; `AuthModule` configured from the `AUTH_*` variables (every route needs a valid token unless
 * `@Public()`); the validated environment provided app-wide under `configKey`. A service's root module is
 * then its feature modules:
 *
 * ```ts
 * static forRoot(env = notesServiceConfig()): DynamicModule {
 *   return { module: AppModule, imports: [ServiceModule.forRoot({ name, env, configKey: notesServiceConfig.KEY, imports: [ItemsModule] })] };
 * }
 * ```
 */
@Module({})
export class ServiceModule {
  /** The service's plumbing and feature modules (global: its providers are visible to every module). */
  static forRoot<Env extends ServiceEnv>(options: ServiceModuleOptions<Env>): DynamicModule {
    const { env } = options;
    const providers: Provider[] = [
      { provide: options.configKey, useValue: env },
      ...(options.providers ?? []),
    ];
    return {
      module: ServiceModule,
      global: true,
      imports: [
        PlatformModule.forRoot({
          name: options.name,
          logLevel: env.LOG_LEVEL,
          jwksUri: env.AUTH_JWKS_URI,
          ...(options.readinessChecks === undefined ? {} : { readinessChecks: options.readinessChecks }),
          problemDetails: true,
          requestContext: true,
          chainTrace: env.CHAIN_TRACE,
        }),
        AuthModule.forRoot(authOptionsFromEnv(env)),
        ...(options.imports ?? []),
      ],
      providers,
      exports: providers.map(tokenOf),
    };
  }
}

/** The injection token a provider is registered under. */
function tokenOf(provider: Provider): Provider | string | symbol | Type<unknown> {
  if (typeof provider === 'function') return provider;
  return (provider as { provide: string | symbol | Type<unknown> }).provide;
}

/** Options of {@link runService}. */
export interface RunServiceOptions<Env extends ServiceEnv> extends ServiceDescription {
  /** The service's port in chain.yaml, used when `PORT` is unset. */
  readonly defaultPort: number;
  /** Reads and validates the environment (the service's `registerAs` config); a bad one stops the process. */
  readonly env: () => Env;
  /** The root module for that environment (`(env) => AppModule.forRoot(env)`). */
  readonly module: (env: Env) => DynamicModule;
}

/** How a service presents itself in its OpenAPI document. */
export interface ServiceDescription {
  /** Service name (logs, OpenAPI title; the App ID URI `api://<name>` when no audience is a URI). */
  readonly name: string;
  /** One line for the OpenAPI document. */
  readonly description: string;
  /**
   * Delegated scopes the service accepts, by name, with what each allows (`{ 'Notes.ReadWrite': '…' }`):
   * OpenAPI offers them under the service's App ID URI (the first audience that is a URI), with the
   * authority of the issuer, for Swagger UI's sign-in. Omit for an application-only API (bearer only).
   */
  readonly scopes?: Readonly<Record<string, string>>;
}

/**
 * A service's `main()`: validates the environment, boots the root module with the platform's
 * `bootstrapApp` (listening on `HOST`/`PORT`, OpenAPI at `/docs`), and on a bad environment or a taken port
 * prints the reason and exits 1 (`runMain`).
 */
export function runService<Env extends ServiceEnv>(options: RunServiceOptions<Env>): void {
  runMain(async () => {
    const env = options.env();
    await bootstrapApp(options.module(env), {
      name: options.name,
      defaultPort: options.defaultPort,
      host: env.HOST,
      port: env.PORT,
      openApi: openApiOf(options, env),
    });
  });
}

/** The OpenAPI options of a service: with its delegated scopes under its App ID URI when it has any. */
export function openApiOf(service: ServiceDescription, env: ResourceServerEnv): OpenApiOptions {
  const scopes = Object.entries(service.scopes ?? {});
  if (scopes.length === 0) return { description: service.description };
  const appIdUri = env.AUTH_AUDIENCES.find((audience) => audience.includes('://')) ?? `api://${service.name}`;
  return {
    description: service.description,
    authority: authorityFromEnv(env),
    scopes: Object.fromEntries(scopes.map(([scope, text]) => [`${appIdUri}/${scope}`, text])),
  };
}
