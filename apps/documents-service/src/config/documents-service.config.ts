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

/** Default port of documents-service (docs/CONTRACTS.md "Ports and hosts"). */
export const DOCUMENTS_SERVICE_PORT = 3003;

/** Default largest upload: 10 MiB. */
export const DEFAULT_DOCUMENTS_MAX_BYTES = 10 * 1024 * 1024;

/** Uploads are held in memory while they are checked, so the limit is capped: 100 MiB. */
const MAX_DOCUMENTS_MAX_BYTES = 100 * 1024 * 1024;

/** The downstreams documents-service calls (CONTRACTS.md "TokenBrokerModule" names). */
export const Downstream = { Program: 'PROGRAM' } as const;
export type Downstream = (typeof Downstream)[keyof typeof Downstream];

/** Azure's container naming rules: 3-63 lower-case letters, digits and single hyphens. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const PROGRAM = 'DOWNSTREAM_APIS__PROGRAM__';

const shape = {
  ...platformEnvShape(DOCUMENTS_SERVICE_PORT),
  ...resourceServerEnvShape,
  AUTH_CLIENT_ID: z
    .string()
    .min(1)
    .describe("documents-service's own client id (application id), used for the on-behalf-of call"),
  ...AuthEnv.clientCredentialShape,
  AUTH_KNOWN_AUTHORITIES: commaList()
    .optional()
    .describe('comma list of authority hosts trusted without instance discovery, e.g. localhost:8443'),
  TOKEN_CACHE_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional()
    .describe('a Redis URL for the shared token cache; leave unset for the in-memory cache only'),
  TOKEN_CACHE_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional()
    .describe('32 random bytes, base64 (openssl rand -base64 32); required with TOKEN_CACHE_REDIS_URL'),
  AUTH_DELEGATION_SIGNING_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the RSA private key (PEM; "\\n" escapes allowed) that signs user-delegation proofs to program-service (verified-delegation)',
    ),
  AUTH_DELEGATION_SIGNING_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('path of that PEM key, instead of AUTH_DELEGATION_SIGNING_KEY'),
  DOWNSTREAM_APIS__PROGRAM__BASE_URL: z
    .string()
    .optional()
    .describe('the base URL of program-service, e.g. http://127.0.0.1:3001'),
  DOWNSTREAM_APIS__PROGRAM__FLOW: z
    .string()
    .optional()
    .describe(
      '"on-behalf-of" (the second hop is for the user), or "verified-delegation" where the identity provider has no on-behalf-of (B2C)',
    ),
  DOWNSTREAM_APIS__PROGRAM__SCOPES: z
    .string()
    .optional()
    .describe(
      'space-separated scopes, e.g. api://program-service/Program.Read (verified-delegation: <App ID URI>/.default)',
    ),
  DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: z
    .string()
    .optional()
    .describe('verified-delegation only: the scope names the proof conveys, e.g. Program.Read'),
  DOWNSTREAM_APIS__PROGRAM__TIMEOUT_MS: z
    .string()
    .optional()
    .describe('timeout of one call to program-service in milliseconds (default 10000)'),
  AZURE_STORAGE_CONNECTION_STRING: z
    .string()
    .min(1)
    .optional()
    .describe(
      'a storage connection string (Azurite: UseDevelopmentStorage=true or the dev account string); or set AZURE_STORAGE_ACCOUNT_URL',
    ),
  AZURE_STORAGE_ACCOUNT_URL: httpUrl()
    .regex(/^https:\/\//, 'must be an https:// URL')
    .optional()
    .describe('https://<account>.blob.core.windows.net for managed identity (see docs/documents-service.md)'),
  DOCUMENTS_CONTAINER: z
    .string()
    .regex(CONTAINER_NAME, 'must be 3-63 lower-case letters, digits and single hyphens')
    .default('documents')
    .describe('the blob container of the documents (default documents; created at boot if missing)'),
  DOCUMENTS_MAX_BYTES: integerString(1, MAX_DOCUMENTS_MAX_BYTES)
    .default(String(DEFAULT_DOCUMENTS_MAX_BYTES))
    .describe(
      `the largest upload in bytes (1-${MAX_DOCUMENTS_MAX_BYTES}, default ${DEFAULT_DOCUMENTS_MAX_BYTES})`,
    ),
};

type RawEnv = z.output<z.ZodObject<typeof shape>>;

/** The environment of documents-service (CONTRACTS.md "App env"). */
export const documentsServiceEnvSchema = z
  .object(shape)
  .superRefine(refineResourceServerEnv)
  .superRefine(refineCallerEnv)
  .superRefine(refineStorageEnv)
  .transform((env) => ({ ...env, downstreams: downstreamsOf(env) }));

export type DocumentsServiceEnv = z.output<typeof documentsServiceEnvSchema>;

/** Validates documents-service's environment; throws one error naming every bad variable. */
export function parseDocumentsServiceEnv(
  env: Readonly<Record<string, string | undefined>>,
): DocumentsServiceEnv {
  return parseEnv(documentsServiceEnvSchema, env, 'documents-service');
}

/** The typed `documents-service` config namespace, read from `process.env` once at boot. */
export const documentsServiceConfig = registerAs('documents-service', () =>
  parseDocumentsServiceEnv(process.env),
);

/** The caller side: an authority, exactly one credential (libs/auth's rule), a complete Redis pair, the PROGRAM downstream. */
function refineCallerEnv(env: RawEnv, ctx: z.RefinementCtx): void {
  const issue = (variable: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  if (env.AUTH_AUTHORITY === undefined)
    issue(
      'AUTH_AUTHORITY',
      'is required: the token service authority, e.g. https://localhost:8443/<tenant-id>',
    );
  for (const problem of AuthEnv.clientCredentialIssues(env)) issue(problem.variable, problem.message);
  if (env.TOKEN_CACHE_REDIS_URL !== undefined && env.TOKEN_CACHE_ENCRYPTION_KEY === undefined)
    issue(
      'TOKEN_CACHE_ENCRYPTION_KEY',
      'is required with TOKEN_CACHE_REDIS_URL (values in Redis are encrypted)',
    );
  for (const problem of downstreamProblems(env)) issue(problem.variable, problem.message);
  refineDelegationKey(env, issue);
}

/** One delegation signing key, and one at all when program-service is reached by verified delegation. */
function refineDelegationKey(env: RawEnv, issue: (variable: string, message: string) => void): void {
  const pem = env.AUTH_DELEGATION_SIGNING_KEY !== undefined;
  const file = env.AUTH_DELEGATION_SIGNING_KEY_FILE !== undefined;
  if (pem && file)
    issue(
      'AUTH_DELEGATION_SIGNING_KEY',
      'set AUTH_DELEGATION_SIGNING_KEY or AUTH_DELEGATION_SIGNING_KEY_FILE, not both',
    );
  if (env.DOWNSTREAM_APIS__PROGRAM__FLOW?.trim() === 'verified-delegation' && !pem && !file)
    issue(
      'AUTH_DELEGATION_SIGNING_KEY',
      `is required (or AUTH_DELEGATION_SIGNING_KEY_FILE) because ${PROGRAM}FLOW is verified-delegation: documents-service signs its user-delegation proofs with it`,
    );
}

/** Exactly one way to reach Blob Storage. */
function refineStorageEnv(env: RawEnv, ctx: z.RefinementCtx): void {
  const both =
    env.AZURE_STORAGE_CONNECTION_STRING !== undefined && env.AZURE_STORAGE_ACCOUNT_URL !== undefined;
  const none =
    env.AZURE_STORAGE_CONNECTION_STRING === undefined && env.AZURE_STORAGE_ACCOUNT_URL === undefined;
  if (!both && !none) return;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    path: ['AZURE_STORAGE_CONNECTION_STRING'],
    message: both
      ? 'set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL, not both'
      : 'is required unless AZURE_STORAGE_ACCOUNT_URL is set (managed identity)',
  });
}

/**
 * The broker's own validation of `DOWNSTREAM_APIS__PROGRAM__*`, plus: the second hop is for the user
 * (on-behalf-of, or verified delegation where there is no on-behalf-of).
 */
function downstreamProblems(env: RawEnv): { variable: string; message: string }[] {
  try {
    const { PROGRAM: program } = downstreamsOf(env);
    if (program.flow === 'on-behalf-of' || program.flow === 'verified-delegation') return [];
    return [
      {
        variable: `${PROGRAM}FLOW`,
        message:
          'must be "on-behalf-of" or "verified-delegation": program-service decides per user whether the programme is visible',
      },
    ];
  } catch (error) {
    if (!(error instanceof TokenBrokerConfigError)) throw error;
    return error.issues.map((message) => ({ variable: variableOf(message), message }));
  }
}

function variableOf(message: string): string {
  const named = new RegExp(`${PROGRAM}[A-Z_]+`).exec(message)?.[0];
  if (named !== undefined) return named;
  if (/scope/i.test(message)) return `${PROGRAM}SCOPES`;
  if (/flow/i.test(message)) return `${PROGRAM}FLOW`;
  return `${PROGRAM}BASE_URL`;
}

function downstreamsOf(env: RawEnv): Record<Downstream, TokenBrokerOptions['downstreams'][string]> {
  const variables = {
    DOWNSTREAM_APIS__PROGRAM__BASE_URL: env.DOWNSTREAM_APIS__PROGRAM__BASE_URL,
    DOWNSTREAM_APIS__PROGRAM__FLOW: env.DOWNSTREAM_APIS__PROGRAM__FLOW,
    DOWNSTREAM_APIS__PROGRAM__SCOPES: env.DOWNSTREAM_APIS__PROGRAM__SCOPES,
    DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: env.DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES,
    DOWNSTREAM_APIS__PROGRAM__TIMEOUT_MS: env.DOWNSTREAM_APIS__PROGRAM__TIMEOUT_MS,
  };
  return AuthEnv.downstreamApis(variables, [Downstream.Program]);
}
