import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { roleOf } from './chain-roles';
import type { Registrations } from './registrations.schema';

/**
 * The derived values an API's `env` may name as `${value}` (docs/chain-manifest.md). A variable whose
 * value does not exist in a run (no database given, no SPA registered) is left out of the app's env.
 */
export const MANIFEST_VALUES = [
  'registrations',
  'databaseUrl',
  'redisUrl',
  'blobConnectionString',
  'applicationCallers',
  'spaOrigins',
  'tokenCacheKey',
] as const;
export type ManifestValue = (typeof MANIFEST_VALUES)[number];

const PLACEHOLDER = /\$\{([A-Za-z]+)\}/g;

const apiSchema = z
  .object({
    app: z
      .string()
      .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case (lower-case letters, digits and dashes)'),
    port: z.number().int().min(1).max(65535),
    description: z.string().min(1),
    env: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'variable names are UPPER_SNAKE_CASE'), z.string())
      .default({}),
    replicas: z.number().int().min(1).max(8).default(1),
    relay: z.boolean().default(false),
  })
  .strict();

/** The schema of `chain.yaml`. */
export const chainManifestSchema = z
  .object({ apis: z.array(apiSchema).min(1, 'declare at least one API') })
  .strict()
  .superRefine((manifest, ctx) => {
    const seen = (key: (api: ChainApi) => string | number, what: string) => {
      const first = new Map<string | number, number>();
      manifest.apis.forEach((api, i) => {
        const k = key(api);
        const at = first.get(k);
        if (at === undefined) first.set(k, i);
        else
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['apis', i],
            message: `${what} ${k} is already apis[${at}]'s`,
          });
      });
    };
    seen((api) => api.app, 'app');
    seen((api) => api.port, 'port');
    seen((api) => downstreamName(api.app), 'downstream name');
    manifest.apis.forEach((api, i) => {
      for (const [name, value] of Object.entries(api.env))
        for (const [, placeholder] of value.matchAll(PLACEHOLDER))
          if (!(MANIFEST_VALUES as readonly string[]).includes(placeholder as string))
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['apis', i, 'env', name],
              message: `\${${placeholder}} is not a derived value (one of ${MANIFEST_VALUES.map((v) => `\${${v}}`).join(', ')})`,
            });
    });
  });

/** One API of the chain, as `chain.yaml` declares it. */
export type ChainApi = z.output<typeof apiSchema>;

/** `chain.yaml`: the chain's APIs. */
export interface ChainManifest {
  readonly apis: readonly ChainApi[];
}

/** Thrown when `chain.yaml` is missing or invalid; the message names every bad entry. */
export class ChainManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid chain manifest ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ChainManifestError';
  }
}

/** `chain.yaml` at the root of the repository (found from the working directory, else from this library). */
export function defaultManifestPath(): string {
  const candidates = [
    resolve(process.cwd(), 'chain.yaml'),
    resolve(__dirname, '../../../chain.yaml'),
    resolve(__dirname, '../../../../chain.yaml'),
  ];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

/** Reads and validates the chain manifest. Throws {@link ChainManifestError} naming each bad entry. */
export function loadChainManifest(file: string = defaultManifestPath()): ChainManifest {
  if (!existsSync(file))
    throw new ChainManifestError(file, [
      'the file does not exist (the chain manifest, docs/chain-manifest.md)',
    ]);
  return parseChainManifest(readFileSync(file, 'utf8'), file);
}

/** Validates the text of a chain manifest; `file` names it in errors. */
export function parseChainManifest(text: string, file = 'chain.yaml'): ChainManifest {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ChainManifestError(file, [`not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = chainManifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new ChainManifestError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  return parsed.data;
}

/** The manifest's entry for `app`; throws naming the manifest's apps when there is none. */
export function chainApi(manifest: ChainManifest, app: string): ChainApi {
  const found = manifest.apis.find((a) => a.app === app);
  if (found === undefined)
    throw new Error(
      `chain manifest: no API ${app} (declared: ${manifest.apis.map((a) => a.app).join(', ')}); add it to chain.yaml`,
    );
  return found;
}

/**
 * The name a caller gives a downstream, from the app it is (CONTRACTS of DOWNSTREAM_APIS__<NAME>__*):
 * `program-service` → `PROGRAM`, `documents-service` → `DOCUMENTS`, `bff` → `BFF`.
 */
export function downstreamName(app: string): string {
  return app
    .replace(/-service$/, '')
    .replace(/-/g, '_')
    .toUpperCase();
}

/** `notes-service` → `NotesService`: the spelling of an app's name in its config's exports. */
export function pascalCaseOf(app: string): string {
  return app
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * Where an API validates its environment (docs/chain-manifest.md "What an API must have"):
 * `apps/<app>/src/config/<app>.config.ts` exporting the zod schema `<camelCase app>EnvSchema` and
 * `parse<PascalCase app>Env(env)` — what the compose suite runs, and what `npm run new:service` writes.
 */
export function apiConfigLocation(app: string): { file: string; schema: string; parser: string } {
  const pascal = pascalCaseOf(app);
  return {
    file: `apps/${app}/src/config/${app}.config.ts`,
    schema: `${pascal.charAt(0).toLowerCase()}${pascal.slice(1)}EnvSchema`,
    parser: `parse${pascal}Env`,
  };
}

/** The variable that overrides an API's port under `npm start`: `PROGRAM_PORT`, `BFF_PORT`, … */
export function portVariableOf(app: string): string {
  return `${downstreamName(app)}_PORT`;
}

/** Whether an API's `env` names a derived value (e.g. `blobConnectionString`: the launchers start Azurite). */
export function usesValue(api: ChainApi, value: ManifestValue): boolean {
  return Object.values(api.env).some((v) => v.includes(`\${${value}}`));
}

/**
 * The API's own variables with the derived values put in; a variable naming a value that does not exist in
 * this run is left out.
 */
export function manifestEnv(
  api: ChainApi,
  values: Readonly<Partial<Record<ManifestValue, string>>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, template] of Object.entries(api.env)) {
    let missing = false;
    const value = template.replace(PLACEHOLDER, (_, key: string) => {
      const v = values[key as ManifestValue];
      if (v === undefined) missing = true;
      return v ?? '';
    });
    if (!missing) env[name] = value;
  }
  return env;
}

/**
 * The order to start the APIs in: each stage holds the APIs whose downstreams (the registrations'
 * `requiredResourceAccess`, among the manifest's APIs) are in earlier stages, so a caller starts once the
 * URLs of its downstreams exist. Apps of one stage start in parallel. Throws on a cycle.
 */
export function startStages(manifest: ChainManifest, registrations: Registrations): string[][] {
  const apps = manifest.apis.map((a) => a.app);
  const needs = new Map(apps.map((app) => [app, downstreamsOf(app, apps, registrations)]));
  const stages: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < apps.length) {
    const stage = apps.filter((a) => !placed.has(a) && needs.get(a)!.every((d) => placed.has(d)));
    if (stage.length === 0)
      throw new Error(
        `chain manifest: the APIs ${apps.filter((a) => !placed.has(a)).join(', ')} call each other in a cycle (requiredResourceAccess); the chain cannot start them in order`,
      );
    stage.forEach((a) => placed.add(a));
    stages.push(stage);
  }
  return stages;
}

/** The manifest's APIs that `app`'s registration calls (its requiredResourceAccess), by manifest name. */
export function downstreamsOf(app: string, apps: readonly string[], registrations: Registrations): string[] {
  const byName = new Map(registrations.applications.map((a) => [a.name, a]));
  const reg =
    registrations.applications.find((a) => roleOf(a) === app) ??
    registrations.applications.find((a) => a.name === app);
  if (reg === undefined) return [];
  const partOf = (name: string) => {
    const resource = byName.get(name);
    return resource === undefined ? name : (roleOf(resource) ?? resource.name);
  };
  return [...new Set(reg.requiredResourceAccess.map((r) => partOf(r.resource)))].filter(
    (d) => d !== app && apps.includes(d),
  );
}
