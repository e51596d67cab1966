import { AuthEnv, TokenBrokerConfigError, type TokenBrokerOptions } from '@chain/auth';
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
  Record<`DOWNSTREAM_APIS__${N}__${'TIMEOUT_MS' | 'DELEGATED_SCOPES'}`, z.ZodOptional<z.ZodString>>;

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
  } as DownstreamShape<N>;
}

const base64Key = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes in base64')
  .describe('32 random bytes in base64, e.g. from "openssl rand -base64 32"');

/** The environment of the BFF (CONTRACTS.md "App env"). */
export const bffEnvSchema = z
  .object({
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
  })
  .superRefine((env, ctx) => {
    refineResourceServerEnv(env, ctx);
    refineCredential(env, ctx);
    refineDownstreams(env, ctx);
    refineDelegationKey(env, ctx);
  })
  .transform((env) => ({ ...env, downstreams: readDownstreams(env) }));

/** The validated BFF environment, with the declared downstreams parsed. */
export type BffEnv = z.output<typeof bffEnvSchema>;

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
    ([name, value]) => name.endsWith('__FLOW') && value === 'verified-delegation',
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

function readDownstreams(env: RawEnv): Record<BffDownstream, TokenBrokerOptions['downstreams'][string]> {
  const strings = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  return AuthEnv.downstreamApis(strings, Object.values(BFF_DOWNSTREAMS));
}

/** The variable a libs/auth issue is about: the one it names, else the downstream's `FLOW`/`SCOPES`/`BASE_URL`. */
function variableOf(message: string): string {
  const named = /DOWNSTREAM_APIS__[A-Z0-9_]+?__(BASE_URL|FLOW|DELEGATED_SCOPES|SCOPES|TIMEOUT_MS)/.exec(
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
