import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import type { ComposeApp } from '../../scripts/generate-compose-env';
import { repoRoot } from './compose-file';

/**
 * Where each app validates its environment at boot (CONTRACTS.md "App env": `apps/<app>/src/config/<app>.config.ts`
 * exporting a zod schema `<app>EnvSchema` and `parse<App>Env(env)`; the SPA's server keeps its own in
 * `apps/web/src/server/web.config.ts`). The compose check runs exactly these, so a compose environment
 * that would stop an app at boot fails here first.
 */
export const APP_CONFIGS: Readonly<Record<ComposeApp, AppConfigLocation>> = {
  'identity-emulator': {
    file: 'apps/identity-emulator/src/config/emulator.config.ts',
    parser: 'parseEmulatorEnv',
    schema: 'emulatorEnvSchema',
  },
  'program-service': {
    file: 'apps/program-service/src/config/program-service.config.ts',
    parser: 'parseProgramServiceEnv',
    schema: 'programServiceEnvSchema',
  },
  'pricing-service': {
    file: 'apps/pricing-service/src/config/pricing-service.config.ts',
    parser: 'parsePricingServiceEnv',
    schema: 'pricingServiceEnvSchema',
  },
  'documents-service': {
    file: 'apps/documents-service/src/config/documents-service.config.ts',
    parser: 'parseDocumentsServiceEnv',
    schema: 'documentsServiceEnvSchema',
  },
  bff: { file: 'apps/bff/src/config/bff.config.ts', parser: 'parseBffEnv', schema: 'bffEnvSchema' },
  web: { file: 'apps/web/src/server/web.config.ts', parser: 'loadWebEnv', schema: 'webEnvSchema' },
};

export interface AppConfigLocation {
  /** Path from the repository root. */
  readonly file: string;
  /** Exported function that validates an environment and throws one error naming every bad variable. */
  readonly parser: string;
  /** Exported zod schema of that environment. */
  readonly schema: string;
}

/** An app's own validation, loaded from its config file. */
export interface AppConfig {
  readonly parse: (env: Readonly<Record<string, string>>) => unknown;
  /** The variables the schema declares. */
  readonly declared: ReadonlySet<string>;
}

/**
 * Loads an app's config file. A missing file or export is an error that says what is expected where, never
 * a silent skip: every app in docker-compose.yml must have its environment validated.
 */
export async function loadAppConfig(
  app: ComposeApp,
  location: AppConfigLocation = APP_CONFIGS[app],
): Promise<AppConfig> {
  const { file, parser, schema } = location;
  const contract = `CONTRACTS.md "App env": ${file} exporting ${schema} and ${parser}(env)`;
  if (!existsSync(join(repoRoot, file)))
    throw new Error(
      `${file} does not exist, so the ${app} environment of docker-compose.yml cannot be validated (${contract})`,
    );
  const exports = await importConfig(file);
  const parse = exportOf(exports, parser);
  if (typeof parse !== 'function') throw new Error(`${file} exports no function ${parser} (${contract})`);
  const keys = objectKeys(exportOf(exports, schema));
  if (keys === undefined) throw new Error(`${file} exports no zod object schema ${schema} (${contract})`);
  return {
    parse: (env) => (parse as (env: Readonly<Record<string, string>>) => unknown)(env),
    declared: new Set(keys),
  };
}

/** Imports a config file; a failure while loading it (or what it imports) names the file it was loading. */
async function importConfig(file: string): Promise<unknown> {
  try {
    const exports: unknown = await import(join(repoRoot, file));
    return exports;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`loading ${file} failed: ${reason}`, { cause: error });
  }
}

function exportOf(exports: unknown, name: string): unknown {
  return typeof exports === 'object' && exports !== null
    ? (exports as Record<string, unknown>)[name]
    : undefined;
}

/** The keys of a zod object schema, under any refinements or transforms (`.superRefine`, `.transform`). */
function objectKeys(schema: unknown): string[] | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape as z.ZodRawShape);
  if (schema instanceof z.ZodEffects) return objectKeys(schema.innerType());
  return undefined;
}
