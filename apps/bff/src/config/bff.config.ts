import { AuthEnv, DownstreamFlow, TokenBrokerConfigError, type TokenBrokerOptions } from '@chain/auth';
import {
  commaList,
  httpUrl,
  integerString,
  parseEnv,
  platformEnvShape,
  refineResourceServerEnv,
  resourceServerEnvShape,
} from '@chain/platform';
import { registerAs } from '@nestjs/config';
import { z } from 'zod';

import { BFF_DOWNSTREAMS, type BffDownstream } from '../common/bff-catalogue';

/** Default port of the BFF (docs/CONTRACTS.md "Ports and hosts"). */
export const BFF_PORT = 3000;

/** Default of `DOCUMENTS_MAX_BYTES`: 10 MiB, as documents-service. */
export const DEFAULT_DOCUMENTS_MAX_BYTES = 10 * 1024 * 1024;

/** Default of `REQUEST_DEADLINE_MS`: the time budget of one incoming request (docs/token-broker.md). */
export const DEFAULT_REQUEST_DEADLINE_MS = 12_000;

/** Default of `CORS_ORIGINS`: the demo SPA. */
export const DEFAULT_CORS_ORIGINS = 'http://localhost:8080';

type DownstreamShape<N extends string> = Record<
  `DOWNSTREAM_APIS__${N}__${'BASE_URL' | 'FLOW' | 'SCOPES'}`,
  z.ZodString
> &
  Record<`DOWNSTREAM_APIS__${N}__${'TIMEOUT_MS' | 'DELEGATED_SCOPES'}`, z.ZodOptional<z.ZodString>> &
  Record<`DOWNSTREAM_APIS__${N}__RELAY`, z.ZodOptional<z.ZodEnum<['true', 'false']>>>;

/**
 * The fields of `DOWNSTREAM_APIS__<NAME>__<FIELD>`: libs/auth's declaration (docs/auth.md), plus `RELAY`,
 * the BFF's own (docs/bff-relay.md).
 */
export const DOWNSTREAM_FIELDS = [
  'BASE_URL',
  'FLOW',
  'SCOPES',
  'DELEGATED_SCOPES',
  'TIMEOUT_MS',
  'RELAY',
] as const;

/** `DOWNSTREAM_APIS__<NAME>__<FIELD>`: NAME upper case, `_` inside but never `__` (the separator). */
const DOWNSTREAM_VARIABLE = /^DOWNSTREAM_APIS__([A-Z](?:[A-Z0-9]|_(?!_))*)__([A-Z0-9_]*)$/;
const DOWNSTREAM_PREFIX = 'DOWNSTREAM_APIS__';

/** `RELAY`: whether `/api/relay/<name>/…` reaches this downstream (docs/bff-relay.md). */
const relayFlag = z
  .enum(['true', 'false'])
  .optional()
  .describe(
    '"true" relays /api/relay/<name>/... to this downstream on behalf of the user (not with client-credentials); default false',
  );

/** The variables that declare one downstream (docs/auth.md, TokenBrokerModule env mapping). */
function downstreamShape<N extends BffDownstream>(
  name: N,
  example: { flow: string; scopes: string; url: string },
): DownstreamShape<N> {
  const prefix = `DOWNSTREAM_APIS__${name}__`;
  return {
    [`${prefix}BASE_URL`]: z.string().describe(`the base URL of the ${name} API, e.g. ${example.url}`),
    [`${prefix}FLOW`]: z.string().describe(`"${example.flow}"`),
    [`${prefix}SCOPES`]: z.string().describe(`space-separated scopes, e.g. ${example.scopes}`),
    [`${prefix}DELEGATED_SCOPES`]: z
      .string()
      .optional()
      .describe(
        'verified-delegation only: space-separated scope names the proof conveys, e.g. Program.ReadWrite',
      ),
    [`${prefix}TIMEOUT_MS`]: z
      .string()
      .optional()
      .describe('timeout of one call in milliseconds (default 10000)'),
    [`${prefix}RELAY`]: relayFlag,
  } as DownstreamShape<N>;
}

const base64Key = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes in base64')
  .describe('32 random bytes in base64, e.g. from "openssl rand -base64 32"');

/** The BFF's variables, each documented in docs/configuration.md (other downstreams: see `bffEnvSchema`). */
const bffEnvShape = {
  ...platformEnvShape(BFF_PORT),
  ...resourceServerEnvShape,
  AUTH_AUTHORITY: httpUrl().describe(
    'the authority the BFF asks for tokens, with the tenant, e.g. https://localhost:8443/<tenant-id>',
  ),
  AUTH_KNOWN_AUTHORITIES: commaList()
    .optional()
    .describe('comma list of host[:port] trusted without instance discovery, e.g. localhost:8443'),
  AUTH_CLIENT_ID: z.string().min(1).describe("the BFF's client id (application id)"),
  ...AuthEnv.clientCredentialShape,
  AUTH_DELEGATION_SIGNING_KEY: z
    .string()
    .optional()
    .describe(
      'the RSA private key (PEM; "\\n" escapes allowed) that signs user-delegation proofs, for verified-delegation downstreams',
    ),
  AUTH_DELEGATION_SIGNING_KEY_FILE: z
    .string()
    .optional()
    .describe('path of that PEM key, instead of AUTH_DELEGATION_SIGNING_KEY'),
  TOKEN_CACHE_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional()
    .describe('Redis for the shared (L2) token cache, e.g. redis://redis:6379; unset = in memory only'),
  TOKEN_CACHE_ENCRYPTION_KEY: base64Key.optional(),
  CORS_ORIGINS: commaList()
    .default(DEFAULT_CORS_ORIGINS)
    .pipe(z.array(httpUrl().refine((v) => new URL(v).origin === v, 'must be an origin (no path)')))
    .describe('comma list of SPA origins allowed by CORS, e.g. http://localhost:8080'),
  DOCUMENTS_MAX_BYTES: integerString(1, 1024 * 1024 * 1024)
    .default(String(DEFAULT_DOCUMENTS_MAX_BYTES))
    .describe('largest document accepted for upload, in bytes (default 10 MiB, as documents-service)'),
  REQUEST_DEADLINE_MS: integerString(100, 600_000)
    .default(String(DEFAULT_REQUEST_DEADLINE_MS))
    .describe(
      'time budget of one incoming request in milliseconds, token requests and downstream calls included (100-600000, default 12000)',
    ),
  ...downstreamShape(BFF_DOWNSTREAMS.Program, {
    flow: 'on-behalf-of',
    scopes: 'api://program-service/Program.ReadWrite',
    url: 'http://127.0.0.1:3001',
  }),
  ...downstreamShape(BFF_DOWNSTREAMS.Documents, {
    flow: 'on-behalf-of',
    scopes: 'api://documents-service/Documents.ReadWrite',
    url: 'http://127.0.0.1:3003',
  }),
  ...downstreamShape(BFF_DOWNSTREAMS.Pricing, {
    flow: 'client-credentials',
    scopes: 'api://pricing-service/.default',
    url: 'http://127.0.0.1:3002',
  }),
};

type BffEnvFields = z.output<z.ZodObject<typeof bffEnvShape>>;

/**
 * The environment of the BFF (CONTRACTS.md "App env"). Besides PROGRAM, DOCUMENTS and PRICING (its own
 * routes call them), any `DOWNSTREAM_APIS__<NAME>__<FIELD>` declares a downstream, so that an API added to
 * the chain manifest reaches the relay without a code change here: the object lets those variables through
 * (`passthrough`), the refinements validate every one of them, and the transform keeps only the declared
 * fields, the parsed downstreams and the relayed set.
 */
export const bffEnvSchema = z
  .object(bffEnvShape)
  .passthrough()
  .superRefine((env, ctx) => {
    refineResourceServerEnv(env, ctx);
    refineCredential(env, ctx);
    refineDownstreamVariables(env, ctx);
    refineDownstreams(env, ctx);
    refineRelay(env, ctx);
    refineDelegationKey(env, ctx);
  })
  .transform((env) => ({
    ...declaredFields(env),
    downstreams: readDownstreams(env),
    relayed: readRelayed(env),
  }));

/** The validated BFF environment, with the declared downstreams parsed. */
export type BffEnv = z.output<typeof bffEnvSchema>;

/** The declared downstream, as libs/auth validated it. */
export type BffDownstreamDeclaration = TokenBrokerOptions['downstreams'][string];

/** The schema's own fields of a passed-through environment, without the rest of `process.env`. */
function declaredFields(env: Readonly<Record<string, unknown>>): BffEnvFields {
  return Object.fromEntries(
    Object.keys(bffEnvShape).flatMap((name) => (name in env ? [[name, env[name]]] : [])),
  ) as BffEnvFields;
}

type RawEnv = Record<string, unknown>;

/**
 * Exactly one client credential (a secret, a certificate, or a federated token file; libs/auth's one
 * definition), and an encryption key with Redis.
 */
function refineCredential(env: RawEnv, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  for (const problem of AuthEnv.clientCredentialIssues(env)) issue(problem.variable, problem.message);
  if (env['TOKEN_CACHE_REDIS_URL'] !== undefined && env['TOKEN_CACHE_ENCRYPTION_KEY'] === undefined)
    issue(
      'TOKEN_CACHE_ENCRYPTION_KEY',
      'is required with TOKEN_CACHE_REDIS_URL: tokens are never stored in plaintext',
    );
}

/** One delegation signing key, and one at all when a downstream is declared verified-delegation. */
function refineDelegationKey(env: RawEnv, ctx: z.RefinementCtx): void {
  const pem = env['AUTH_DELEGATION_SIGNING_KEY'] !== undefined;
  const file = env['AUTH_DELEGATION_SIGNING_KEY_FILE'] !== undefined;
  const delegating = Object.entries(env).some(
    ([name, value]) =>
      name.startsWith(DOWNSTREAM_PREFIX) && name.endsWith('__FLOW') && value === 'verified-delegation',
  );
  const issue = (message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['AUTH_DELEGATION_SIGNING_KEY'], message });
  if (pem && file) issue('set AUTH_DELEGATION_SIGNING_KEY or AUTH_DELEGATION_SIGNING_KEY_FILE, not both');
  if (delegating && !pem && !file)
    issue(
      'is required (or AUTH_DELEGATION_SIGNING_KEY_FILE) because a downstream is declared verified-delegation: the BFF signs its user-delegation proofs with it',
    );
}

/** The downstream registry, validated by libs/auth (flows, one resource per downstream, `.default` for CC). */
function refineDownstreams(env: RawEnv, ctx: z.RefinementCtx): void {
  try {
    readDownstreams(env);
  } catch (error) {
    if (!(error instanceof TokenBrokerConfigError)) throw error;
    for (const message of error.issues) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variableOf(message)], message });
    }
  }
}

/**
 * Every `DOWNSTREAM_APIS__…` variable is `DOWNSTREAM_APIS__<NAME>__<FIELD>` with a known FIELD: a typo
 * (`__SCOPE`) would otherwise be ignored, and the downstream run without what it meant to set.
 */
function refineDownstreamVariables(env: RawEnv, ctx: z.RefinementCtx): void {
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(DOWNSTREAM_PREFIX)) continue;
    if (isDownstreamVariable(variable)) continue;
    const match = DOWNSTREAM_VARIABLE.exec(variable);
    const field = match?.[2];
    const message =
      match === null
        ? `is not DOWNSTREAM_APIS__<NAME>__<FIELD> with NAME in capitals, digits and single "_" (e.g. NOTES, MY_API)`
        : `has no field "${field ?? ''}": a downstream is declared by DOWNSTREAM_APIS__<NAME>__ followed by ${DOWNSTREAM_FIELDS.join(', ')}`;
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  }
}

/**
 * `RELAY` is `true` or `false`, and never `true` on a client-credentials downstream: the relay acts for
 * the signed-in user, and relaying with the BFF's own application permissions would hand every user the
 * BFF's privileges on that API.
 */
function refineRelay(env: RawEnv, ctx: z.RefinementCtx): void {
  for (const name of downstreamNames(env)) {
    const variable = `${DOWNSTREAM_PREFIX}${name}__RELAY`;
    const value = env[variable];
    const issue = (message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
    // The three of the shape are checked by it already (`relayFlag`).
    if (value !== undefined && value !== 'true' && value !== 'false' && !(variable in bffEnvShape))
      issue('must be one of true, false');
    if (value === 'true' && env[`${DOWNSTREAM_PREFIX}${name}__FLOW`] === DownstreamFlow.ClientCredentials)
      issue(
        `must not be true for a client-credentials downstream: the relay calls ${name} on behalf of the signed-in user, and relaying with the BFF's own application permissions would give every user the BFF's privileges there; declare ${name} on-behalf-of or verified-delegation, or give it a BFF route of its own`,
      );
  }
}

/**
 * Whether `variable` declares a downstream (`DOWNSTREAM_APIS__<NAME>__<FIELD>` with a known FIELD): what the
 * BFF reads beyond the schema's own fields, e.g. for a check that an environment sets only what it reads.
 */
export function isDownstreamVariable(variable: string): boolean {
  const field = DOWNSTREAM_VARIABLE.exec(variable)?.[2];
  return field !== undefined && (DOWNSTREAM_FIELDS as readonly string[]).includes(field);
}

/** The downstreams declared: the three the BFF's routes call, and every NAME of a `DOWNSTREAM_APIS__<NAME>__<FIELD>`. */
function downstreamNames(env: RawEnv): string[] {
  const names = new Set<string>(Object.values(BFF_DOWNSTREAMS));
  for (const variable of Object.keys(env)) {
    if (isDownstreamVariable(variable)) names.add(DOWNSTREAM_VARIABLE.exec(variable)![1]!);
  }
  return [...names];
}

function readDownstreams(
  env: RawEnv,
): Record<BffDownstream, BffDownstreamDeclaration> & Readonly<Record<string, BffDownstreamDeclaration>> {
  const strings = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  // downstreamNames() always holds the three of BFF_DOWNSTREAMS, and downstreamApis() throws unless each is declared.
  return AuthEnv.downstreamApis(strings, downstreamNames(env)) as Record<
    BffDownstream,
    BffDownstreamDeclaration
  >;
}

/** The downstreams with `RELAY=true` (the refinements made sure none is client-credentials). */
function readRelayed(env: RawEnv): ReadonlySet<string> {
  return new Set(downstreamNames(env).filter((name) => env[`${DOWNSTREAM_PREFIX}${name}__RELAY`] === 'true'));
}

/** The variable a libs/auth issue is about: the one it names, else the downstream's `FLOW`/`SCOPES`/`BASE_URL`. */
function variableOf(message: string): string {
  const named = /DOWNSTREAM_APIS__[A-Z0-9_]+?__(BASE_URL|FLOW|DELEGATED_SCOPES|SCOPES|TIMEOUT_MS)\b/.exec(
    message,
  );
  if (named) return named[0];
  const name = /downstream "([^"]+)"/.exec(message)?.[1] ?? 'UNKNOWN';
  const field = /baseUrl/.test(message) ? 'BASE_URL' : /scope/i.test(message) ? 'SCOPES' : 'FLOW';
  return `DOWNSTREAM_APIS__${name}__${field}`;
}

/** Validates the BFF's environment; throws one error naming every bad variable. */
export function parseBffEnv(env: Readonly<Record<string, string | undefined>>): BffEnv {
  return parseEnv(bffEnvSchema, env, 'bff');
}

/** The typed `bff` config namespace, read from `process.env` once at boot. */
export const bffConfig = registerAs('bff', () => parseBffEnv(process.env));
