import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { apiConfigLocation } from '@chain/local-tenant';
import { z } from 'zod';

import type { ComposeApp } from '../../scripts/generate-compose-env';
import { repoRoot } from './compose-file';

/**
 * Where an app validates its environment at boot (docs/chain-manifest.md "What an API must have"):
 * `apps/<app>/src/config/<app>.config.ts` exporting a zod schema `<camelCase app>EnvSchema` and
 * `parse<PascalCase app>Env(env)` — the convention of every API of chain.yaml, which `npm run new:service`
 * follows. The emulator and the SPA's server keep their own names. The compose check runs exactly these, so
 * a compose environment that would stop an app at boot fails here first.
 */
export function appConfigLocation(app: ComposeApp): AppConfigLocation {
  if (app === 'identity-emulator')
    return {
      file: 'apps/identity-emulator/src/config/emulator.config.ts',
      parser: 'parseEmulatorEnv',
      schema: 'emulatorEnvSchema',
    };
  if (app === 'web')
    return { file: 'apps/web/src/server/web.config.ts', parser: 'loadWebEnv', schema: 'webEnvSchema' };
  return apiConfigLocation(app);
}

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
  location: AppConfigLocation = appConfigLocation(app),
): Promise<AppConfig> {
  const { file, parser, schema } = location;
  const contract = `docs/chain-manifest.md "What an API must have": ${file} exporting ${schema} and ${parser}(env)`;
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
