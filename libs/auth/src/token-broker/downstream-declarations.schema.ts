import { z } from 'zod';

import { type DownstreamDeclaration, DownstreamFlow } from './token-broker.options';

/** Thrown at boot when the downstream registry or the broker options are wrong; `issues` names each fix. */
export class TokenBrokerConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid token broker configuration:\n- ${issues.join('\n- ')}`);
    this.name = 'TokenBrokerConfigError';
  }
}

const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'offline_access', 'email']);
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The resource part of a scope: `api://x/Scope.Read` → `api://x`; a bare `User.Read` → `''` (Graph). */
export function resourceOfScope(scope: string): string {
  const slash = scope.lastIndexOf('/');
  return slash > 0 ? scope.slice(0, slash) : '';
}

const declarationShape = z.object({
  baseUrl: z.string(),
  flow: z.string(),
  scopes: z.array(z.string()),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  retry: z.object({ attempts: z.number().int().min(0).max(10) }).optional(),
  allowAppFallback: z.boolean().optional(),
  delegatedScopes: z.array(z.string()).optional(),
});

function baseUrlIssues(name: string, baseUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return [
      `downstream "${name}": baseUrl "${baseUrl}" is not an absolute URL; set an absolute http(s) URL such as https://program.example.internal (DOWNSTREAM_APIS__${name.toUpperCase()}__BASE_URL)`,
    ];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [`downstream "${name}": baseUrl "${baseUrl}" must use http or https`];
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return [`downstream "${name}": baseUrl "${baseUrl}" must not carry a query, fragment or credentials`];
  }
  return [];
}

function clientCredentialsScopeIssues(
  name: string,
  scopes: readonly string[],
  flow: DownstreamFlow = DownstreamFlow.ClientCredentials,
): string[] {
  const bad = scopes.length !== 1 || !scopes[0]?.endsWith('/.default');
  if (!bad) return [];
  const why =
    flow === DownstreamFlow.VerifiedDelegation
      ? "the caller's own client-credentials token for the downstream; the user's scopes go in DELEGATED_SCOPES"
      : 'Entra answers anything else with AADSTS1002012 invalid_scope';
  return [
    `downstream "${name}": the ${flow} flow needs exactly one scope "<App ID URI>/.default" (${why}); got [${scopes.join(' ')}] — use e.g. "${resourceOfScope(scopes[0] ?? 'api://your-api/x') || 'api://your-api'}/.default"`,
  ];
}

function delegatedScopeIssues(name: string, delegatedScopes: readonly string[] | undefined): string[] {
  const variable = `DOWNSTREAM_APIS__${name.toUpperCase()}__DELEGATED_SCOPES`;
  if (!delegatedScopes?.length) {
    return [
      `downstream "${name}": the verified-delegation flow needs the scope names the proof conveys for the user (${variable}), e.g. "Program.ReadWrite"`,
    ];
  }
  const bad = delegatedScopes.filter((s) => !/^[^\s/]+$/.test(s) || OIDC_SCOPES.has(s));
  if (bad.length === 0) return [];
  return [
    `downstream "${name}": ${variable} lists scope names without the resource (e.g. "Program.ReadWrite", not "api://program-service/Program.ReadWrite"); got [${bad.join(' ')}]`,
  ];
}

function onBehalfOfScopeIssues(name: string, scopes: readonly string[]): string[] {
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  if (resourceScopes.length === 0) {
    return [
      `downstream "${name}": the on-behalf-of flow needs at least one scope of the downstream resource (e.g. "api://program-service/Program.Read" or "api://program-service/.default"); got [${scopes.join(' ')}]`,
    ];
  }
  const resources = new Set(resourceScopes.map(resourceOfScope));
  if (resources.size > 1) {
    return [
      `downstream "${name}": scopes span several resources (${[...resources].join(', ')}); one token serves one resource (Entra AADSTS700022) — declare one downstream per resource`,
    ];
  }
  return [];
}

function declarationIssues(name: string, raw: unknown): string[] {
  if (!NAME_PATTERN.test(name)) {
    return [`downstream name "${name}" must start with a letter and use only letters, digits, "_" or "-"`];
  }
  const parsed = declarationShape.safeParse(raw);
  if (!parsed.success) {
    return parsed.error.issues.map(
      (i) => `downstream "${name}": ${i.path.join('.') || 'declaration'}: ${i.message}`,
    );
  }
  const d = parsed.data;
  const issues = baseUrlIssues(name, d.baseUrl);
  if (d.scopes.some((s) => s.trim() === '' || /\s/.test(s))) {
    issues.push(`downstream "${name}": scopes must be non-empty and contain no whitespace`);
  }
  if (d.flow === DownstreamFlow.ClientCredentials) {
    issues.push(...clientCredentialsScopeIssues(name, d.scopes));
    if (d.allowAppFallback === true) {
      issues.push(
        `downstream "${name}": allowAppFallback applies to on-behalf-of and verified-delegation downstreams only; remove it`,
      );
    }
  } else if (d.flow === DownstreamFlow.OnBehalfOf) {
    issues.push(...onBehalfOfScopeIssues(name, d.scopes));
  } else if (d.flow === DownstreamFlow.VerifiedDelegation) {
    issues.push(...clientCredentialsScopeIssues(name, d.scopes, DownstreamFlow.VerifiedDelegation));
    issues.push(...delegatedScopeIssues(name, d.delegatedScopes));
  } else {
    issues.push(
      `downstream "${name}": unknown flow "${d.flow}"; use "on-behalf-of" (calls for the signed-in user), "client-credentials" (calls as the app) or "verified-delegation" (the app's token plus a signed proof of the user, where on-behalf-of does not exist)`,
    );
  }
  if (d.flow !== DownstreamFlow.VerifiedDelegation && d.delegatedScopes !== undefined) {
    issues.push(
      `downstream "${name}": delegatedScopes (DOWNSTREAM_APIS__${name.toUpperCase()}__DELEGATED_SCOPES) applies to verified-delegation downstreams only; remove it`,
    );
  }
  return issues;
}

/**
 * Validates the declared downstream registry (the broker calls this at boot).
 *
 * @throws TokenBrokerConfigError naming every bad downstream and the fix.
 */
export function validateDownstreamDeclarations(
  downstreams: Readonly<Record<string, unknown>>,
): Record<string, DownstreamDeclaration> {
  const issues = Object.entries(downstreams).flatMap(([name, raw]) => declarationIssues(name, raw));
  if (issues.length > 0) throw new TokenBrokerConfigError(issues);
  return downstreams as Record<string, DownstreamDeclaration>;
}

const envNumber = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .optional();

function readEnvDeclaration(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): { value?: Record<string, unknown>; issues: string[] } {
  const prefix = `DOWNSTREAM_APIS__${name}__`;
  const issues: string[] = [];
  const baseUrl = env[`${prefix}BASE_URL`]?.trim();
  const flow = env[`${prefix}FLOW`]?.trim();
  const scopes = env[`${prefix}SCOPES`]?.trim();
  const delegatedScopes = env[`${prefix}DELEGATED_SCOPES`]?.trim();
  if (!baseUrl) issues.push(`${prefix}BASE_URL is required: the absolute base URL of downstream "${name}"`);
  if (!flow)
    issues.push(`${prefix}FLOW is required: "on-behalf-of", "client-credentials" or "verified-delegation"`);
  if (!scopes) issues.push(`${prefix}SCOPES is required: space-separated scopes of downstream "${name}"`);
  const timeout = envNumber.safeParse(env[`${prefix}TIMEOUT_MS`]?.trim() || undefined);
  if (!timeout.success) issues.push(`${prefix}TIMEOUT_MS must be a whole number of milliseconds`);
  if (issues.length > 0) return { issues };
  const value: Record<string, unknown> = { baseUrl, flow, scopes: scopes!.split(/\s+/) };
  if (timeout.success && timeout.data !== undefined) value.timeoutMs = timeout.data;
  if (delegatedScopes) value.delegatedScopes = delegatedScopes.split(/\s+/);
  return { value, issues };
}

/**
 * Maps `DOWNSTREAM_APIS__<NAME>__BASE_URL | FLOW | SCOPES | DELEGATED_SCOPES | TIMEOUT_MS` (scopes
 * space-separated) into validated declarations, the
 * way Microsoft.Identity.Web reads its `DownstreamApis` section. Call it from an app's `*.config.ts`.
 *
 * @param env - the environment to read (pass `process.env` from a config file).
 * @param names - the downstream names the app calls, e.g. `['PROGRAM', 'PRICING']`.
 * @throws TokenBrokerConfigError naming every bad or missing variable and the fix.
 */
export function parseDownstreamApisEnv<N extends string>(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly N[],
): Record<N, DownstreamDeclaration> {
  const issues: string[] = [];
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const read = readEnvDeclaration(env, name);
    issues.push(...read.issues);
    if (read.value) result[name] = read.value;
  }
  try {
    validateDownstreamDeclarations(result);
  } catch (error) {
    if (!(error instanceof TokenBrokerConfigError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0) throw new TokenBrokerConfigError(issues);
  return result as Record<N, DownstreamDeclaration>;
}
