import { resolve } from 'node:path';

import {
  defaultRegistrationsPath,
  IDENTITY_MODES,
  IdentityMode,
  registrationsFileOf,
} from '@chain/local-tenant';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** The emulator's environment (CONTRACTS.md "Identity emulator"). */
export const emulatorEnvSchema = z.object({
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_DATA_DIR: z.string().min(1).default('.local/emulator'),
  EMULATOR_REGISTRATIONS: z.string().min(1).optional(),
  /** The identity mode: its registrations file unless EMULATOR_REGISTRATIONS names one; the tenant kind must match. */
  IDENTITY_MODE: z
    .enum([IdentityMode.Entra, IdentityMode.ExternalId, IdentityMode.B2c], {
      errorMap: () => ({ message: `must be one of ${IDENTITY_MODES.join(', ')}` }),
    })
    .optional(),
  EMULATOR_PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => u.startsWith('https://'), 'must be an https:// URL (MSAL refuses http authorities)')
    .optional(),
  EMULATOR_HOSTNAMES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h.length > 0),
    ),
  EMULATOR_TEST_ENDPOINTS: booleanFlag,
  EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3599),
});

export interface EmulatorConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly registrationsPath: string;
  /** Set when IDENTITY_MODE is: the registrations' tenant must be of this kind. */
  readonly identityMode?: IdentityMode;
  readonly publicUrl?: string;
  readonly hostnames: readonly string[];
  readonly testEndpoints: boolean;
  readonly accessTokenLifetimeSeconds: number;
}

/** Validates the environment once; the error names every bad variable. */
export function parseEmulatorEnv(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const parsed = emulatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid identity-emulator environment:\n  - ${lines.join('\n  - ')}`);
  }
  const e = parsed.data;
  const port = e.EMULATOR_PORT ?? e.PORT ?? 8443;
  return {
    port,
    host: e.HOST,
    dataDir: resolve(e.EMULATOR_DATA_DIR),
    registrationsPath: resolve(e.EMULATOR_REGISTRATIONS ?? registrationsOf(e.IDENTITY_MODE)),
    ...(e.IDENTITY_MODE === undefined ? {} : { identityMode: e.IDENTITY_MODE }),
    publicUrl: e.EMULATOR_PUBLIC_URL ?? (port === 0 ? undefined : `https://localhost:${port}`),
    hostnames: e.EMULATOR_HOSTNAMES,
    testEndpoints: e.EMULATOR_TEST_ENDPOINTS,
    accessTokenLifetimeSeconds: e.EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS,
  };
}

function registrationsOf(mode: IdentityMode | undefined): string {
  return mode === undefined ? defaultRegistrationsPath() : registrationsFileOf(mode);
}
