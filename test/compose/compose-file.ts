import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Reads docker-compose.yml the way Compose does for the parts the checks need: services, their
 * environment (`env_file:` then `environment:`, which wins), published ports, `depends_on` and
 * healthchecks. YAML anchors and merge keys (`<<:`) are resolved as Compose resolves them, and so are
 * `${VAR}` / `${VAR:-default}` / `${VAR-default}` in every string, from the variables given (default: none
 * set, so every default applies).
 */

export const repoRoot = resolve(__dirname, '../..');
export const composeFilePath = resolve(repoRoot, 'docker-compose.yml');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const serviceSchema = z
  .object({
    image: z.string().optional(),
    build: z
      .union([
        z.string(),
        z.object({
          context: z.string().optional(),
          dockerfile: z.string().optional(),
          target: z.string().optional(),
          args: z.record(z.string(), scalar).optional(),
        }),
      ])
      .optional(),
    environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
    env_file: z.union([z.string(), z.array(z.string())]).optional(),
    ports: z
      .array(
        z.union([
          z.string(),
          z.number(),
          z.object({
            target: z.number(),
            published: z.union([z.string(), z.number()]).optional(),
            host_ip: z.string().optional(),
          }),
        ]),
      )
      .optional(),
    depends_on: z
      .union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string().optional() }))])
      .optional(),
    healthcheck: z.object({ test: z.unknown().optional(), disable: z.boolean().optional() }).optional(),
    volumes: z
      .array(z.union([z.string(), z.object({ source: z.string().optional(), target: z.string() })]))
      .optional(),
    command: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .passthrough();

const composeSchema = z.object({ services: z.record(z.string(), serviceSchema) }).passthrough();

export type ComposeService = z.infer<typeof serviceSchema>;
export type ComposeFile = z.infer<typeof composeSchema>;

/** Parses a compose file (anchors and merge keys resolved, variables interpolated from `variables`). */
export function loadComposeFile(
  path: string = composeFilePath,
  variables: Readonly<Record<string, string>> = {},
): ComposeFile {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'), { merge: true });
  return composeSchema.parse(interpolateAll(parsed, variables));
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$\$/g;

/**
 * Compose's interpolation of one string: `${VAR}`, `${VAR:-default}` (default when unset or empty),
 * `${VAR-default}` (default when unset), `$$` for a literal `$`. An unset variable without a default is
 * an error here (Compose would substitute an empty string with a warning: never what this file means).
 */
export function interpolate(value: string, variables: Readonly<Record<string, string>>): string {
  return value.replace(VARIABLE, (match, name?: string, operator?: string, fallback?: string) => {
    if (name === undefined) return '$';
    const set = variables[name];
    if (operator === ':-') return set === undefined || set === '' ? (fallback ?? '') : set;
    if (operator === '-') return set ?? fallback ?? '';
    if (set === undefined) throw new Error(`docker-compose.yml: ${match} is unset and has no default`);
    return set;
  });
}

function interpolateAll(node: unknown, variables: Readonly<Record<string, string>>): unknown {
  if (typeof node === 'string') return interpolate(node, variables);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, variables));
  if (typeof node === 'object' && node !== null)
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateAll(value, variables)]),
    );
  return node;
}

/**
 * The app a service runs: its build target in docker/Dockerfile (the `api` target: its APP build argument,
 * an API of chain.yaml), else undefined (postgres, redis, azurite).
 */
export function appOf(service: ComposeService): string | undefined {
  if (typeof service.build !== 'object' || service.build.dockerfile !== 'docker/Dockerfile') return undefined;
  if (service.build.target !== 'api') return service.build.target;
  const app = service.build.args?.['APP'];
  return typeof app === 'string' ? app : undefined;
}

/** A service's environment as the container sees it: env files in order, then `environment:` on top. */
export function serviceEnvironment(
  service: ComposeService,
  composeDir: string = dirname(composeFilePath),
): Record<string, string> {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  const env: Record<string, string> = {};
  for (const file of files) Object.assign(env, parseEnvFile(readFileSync(resolve(composeDir, file), 'utf8')));
  return { ...env, ...inlineEnvironment(service.environment) };
}

function inlineEnvironment(environment: ComposeService['environment']): Record<string, string> {
  if (environment === undefined) return {};
  const pairs = Array.isArray(environment)
    ? environment.map((entry) => splitAssignment(entry))
    : Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)] as const);
  return Object.fromEntries(pairs);
}

/**
 * Parses an env file in the subset both Compose implementations (v1's literal reader and v2's dotenv
 * parser) read identically: `KEY=value` lines, `#` comment lines, blank lines. The generator writes
 * only that subset (no quotes, no `$`, no inline comments).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const [key, value] = splitAssignment(line);
    env[key] = value;
  }
  return env;
}

function splitAssignment(entry: string): readonly [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0) throw new Error(`not a KEY=value assignment: ${entry}`);
  return [entry.slice(0, at), entry.slice(at + 1)];
}

/** A published port: the host interface (undefined = every interface) and the host port. */
export interface PublishedPort {
  readonly spec: string;
  readonly hostIp: string | undefined;
  readonly hostPort: string | undefined;
}

/** The ports a service publishes on the host, from the short (`ip:host:container`) or long syntax. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        spec: JSON.stringify(port),
        hostIp: port.host_ip,
        hostPort: port.published === undefined ? undefined : String(port.published),
      };
    }
    const spec = String(port);
    const parts = spec.replace(/\/(tcp|udp)$/, '').split(':');
    // ip:host:container, host:container, or container alone (a random host port on every interface).
    if (parts.length >= 3)
      return {
        spec,
        hostIp: parts
          .slice(0, -2)
          .join(':')
          .replace(/^\[|\]$/g, ''),
        hostPort: parts.at(-2),
      };
    return { spec, hostIp: undefined, hostPort: parts.length === 2 ? parts[0] : undefined };
  });
}

/** The services a service waits for, with the condition it waits on (`service_started` when none is given). */
export function dependencies(service: ComposeService): Array<{ name: string; condition: string }> {
  const dependsOn = service.depends_on;
  if (dependsOn === undefined) return [];
  if (Array.isArray(dependsOn)) return dependsOn.map((name) => ({ name, condition: 'service_started' }));
  return Object.entries(dependsOn).map(([name, d]) => ({
    name,
    condition: d.condition ?? 'service_started',
  }));
}

/** Whether a service declares a healthcheck that is not disabled. */
export function hasHealthcheck(service: ComposeService): boolean {
  const hc = service.healthcheck;
  return (
    hc !== undefined &&
    hc.disable !== true &&
    hc.test !== undefined &&
    !(Array.isArray(hc.test) && hc.test[0] === 'NONE')
  );
}
