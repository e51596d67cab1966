import type { AddressInfo, Server } from 'node:net';

import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { EnvValidationError } from '../config/parse-env';
import { loadPlatformEnv } from '../config/platform.config';
import type { BodyLimits } from '../http/body-limits.options';
import { useBodyParsers } from '../http/body-parser.middleware';
import { type OpenApiOptions, setupOpenApi } from '../openapi/openapi.setup';

/** Options of {@link bootstrapApp}. */
export interface BootstrapOptions {
  /** Service name (logs, OpenAPI title). */
  readonly name: string;
  /** Port used when neither `port` nor `PORT` is given. */
  readonly defaultPort: number;
  /** Interface to listen on. Default: `HOST` from the environment, else `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on (0 = a free one). Default: `PORT` from the environment, else `defaultPort`. */
  readonly port?: number;
  /** OpenAPI document options (OAuth2 authority, scopes). */
  readonly openApi?: OpenApiOptions;
  /** Limits of request bodies (size, JSON depth, form fields). Default: `DEFAULT_BODY_LIMITS`. */
  readonly bodyLimits?: Partial<BodyLimits>;
}

/** Options of {@link configureApp}: what shapes the app before it listens. */
export type ConfigureAppOptions = Pick<BootstrapOptions, 'name' | 'openApi' | 'bodyLimits'>;

/**
 * Creates, configures and starts an app of the chain: pino logger (from `PlatformModule`), shutdown hooks,
 * OpenAPI at `/docs`, listening on HOST/PORT. Logs one line `{"msg":"listening","url":"http://host:port"}`
 * with the real port once it listens.
 *
 * @param appModule the root module; it must import `PlatformModule.forRoot()` (logger, health, validation).
 */
export async function bootstrapApp(
  appModule: Type<unknown> | DynamicModule,
  options: BootstrapOptions,
): Promise<INestApplication> {
  const env =
    options.host === undefined || options.port === undefined
      ? loadPlatformEnv(options.name, options.defaultPort)
      : undefined;
  const host = options.host ?? env?.HOST ?? '127.0.0.1';
  const port = options.port ?? env?.PORT ?? options.defaultPort;
  const app = await NestFactory.create(appModule, { bufferLogs: true });
  configureApp(app, options);
  await app.listen(port, host);
  app.get(Logger).log({ msg: 'listening', url: listeningUrl(app, host) });
  return app;
}

/**
 * Applies the app-level setup that is not a module concern: the pino logger for Nest's own logs,
 * shutdown hooks (SIGTERM closes pools and servers), no `X-Powered-By`, the body parsers with their
 * limits (size, JSON depth, forbidden members: refused while parsing, before any validation), OpenAPI at
 * `/docs`. Call it before `init()`/`listen()`. E2E tests call it on their `Test.createTestingModule()`
 * app to get the same surface as production.
 */
export function configureApp(app: INestApplication, options: ConfigureAppOptions): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  disablePoweredBy(app);
  useBodyParsers(app, options.bodyLimits);
  setupOpenApi(app, options.name, options.openApi);
}

/** The URL the app listens on, with the real port (the requested one may be 0). */
export function listeningUrl(app: INestApplication, host: string): string {
  const server = app.getHttpServer() as Server;
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const printable = host.includes(':') ? `[${host}]` : host;
  return `http://${printable}:${port}`;
}

function disablePoweredBy(app: INestApplication): void {
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (typeof instance === 'function' && 'disable' in instance && typeof instance.disable === 'function') {
    (instance as { disable(setting: string): void }).disable('x-powered-by');
  }
}

/**
 * Runs an app's `main()`; if booting fails (bad environment, port taken), prints the reason on stderr
 * without a stack for configuration errors and exits with status 1, instead of an unhandled rejection.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof EnvValidationError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
