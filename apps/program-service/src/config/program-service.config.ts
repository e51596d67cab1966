import { parseEnv, resourceServerEnvSchema } from '@chain/platform';
import { registerAs } from '@nestjs/config';
import { z } from 'zod';

/** Default port of program-service (docs/CONTRACTS.md "Ports and hosts"). */
export const PROGRAM_SERVICE_PORT = 3001;

/** What `PROGRAM_SEED` may ask for: nothing, or the demo brokerages, members and sample programmes. */
export const ProgramSeed = { None: 'none', Demo: 'demo' } as const;
export type ProgramSeed = (typeof ProgramSeed)[keyof typeof ProgramSeed];

/**
 * Where a user's brokerage comes from (docs/configuration.md "Who is a broker"): the app roles in the token
 * (`Broker.<brokerage>`, assigned on program-service's registration), the members table, or the token first
 * and the table when the token names no brokerage.
 */
export const MembershipSource = {
  Claims: 'claims',
  Table: 'table',
  ClaimsThenTable: 'claims-then-table',
} as const;
export type MembershipSource = (typeof MembershipSource)[keyof typeof MembershipSource];

/** Default of `MEMBERSHIP_BROKER_ROLE_PREFIX`: the app role `Broker.Northwind` names the brokerage Northwind. */
export const DEFAULT_BROKER_ROLE_PREFIX = 'Broker.';

/**
 * Characters Entra allows in an app role value besides letters and digits, minus the space (which no role value
 * may hold): https://learn.microsoft.com/graph/api/resources/approle (property `value`).
 */
const ROLE_VALUE = /^[A-Za-z0-9:!#$%&'()*+,\-./;<=>?@[\]^_`{|}~]+$/;

/** The environment of program-service (docs/CONTRACTS.md "App env"; every variable: docs/configuration.md). */
export const programServiceEnvSchema = resourceServerEnvSchema(PROGRAM_SERVICE_PORT, {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('a PostgreSQL URL, e.g. postgres://user@db:5432/programmes; leave unset for PGlite in memory'),
  PROGRAM_SEED: z
    .enum([ProgramSeed.None, ProgramSeed.Demo])
    .default(ProgramSeed.None)
    .describe(
      '"demo" seeds members from the registrations file plus sample programmes; "none" seeds nothing',
    ),
  PROGRAM_SEED_REGISTRATIONS: z
    .string()
    .min(1)
    .optional()
    .describe(
      'path of registrations.yaml for PROGRAM_SEED=demo (default libs/local-tenant/registrations.yaml)',
    ),
  MEMBERSHIP_SOURCE: z
    .enum([MembershipSource.Claims, MembershipSource.Table, MembershipSource.ClaimsThenTable])
    .default(MembershipSource.ClaimsThenTable)
    .describe(
      'where a user\'s brokerage comes from: "claims" (the app role Broker.<brokerage> in the token), "table" (the members table) or "claims-then-table" (default)',
    ),
  MEMBERSHIP_BROKER_ROLE_PREFIX: z
    .string()
    .max(56, 'must leave room for the brokerage in a 120-character app role value')
    .regex(ROLE_VALUE, 'must be characters an app role value may hold (no spaces)')
    .refine((value) => !value.startsWith('.'), 'must not start with "." (app role values may not)')
    .default(DEFAULT_BROKER_ROLE_PREFIX)
    .describe('the start of the app role values that name a brokerage (default "Broker.": Broker.Northwind)'),
});

export type ProgramServiceEnv = z.output<typeof programServiceEnvSchema>;

/** Validates program-service's environment; throws one error naming every bad variable. */
export function parseProgramServiceEnv(env: Readonly<Record<string, string | undefined>>): ProgramServiceEnv {
  return parseEnv(programServiceEnvSchema, env, 'program-service');
}

/** The typed `program-service` config namespace, read from `process.env` once at boot. */
export const programServiceConfig = registerAs('program-service', () => parseProgramServiceEnv(process.env));
