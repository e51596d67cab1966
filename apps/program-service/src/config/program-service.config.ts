import { parseEnv, platformEnvShape, refineResourceServerEnv, resourceServerEnvShape } from '@chain/platform';
import { registerAs } from '@nestjs/config';
import { z } from 'zod';

/** Default port of program-service (docs/CONTRACTS.md "Ports and hosts"). */
export const PROGRAM_SERVICE_PORT = 3001;

/** What `PROGRAM_SEED` may ask for: nothing, or the demo brokerages, members and sample programmes. */
export const ProgramSeed = { None: 'none', Demo: 'demo' } as const;
export type ProgramSeed = (typeof ProgramSeed)[keyof typeof ProgramSeed];

/** The environment of program-service (CONTRACTS.md "App env"). */
export const programServiceEnvSchema = z
  .object({
    ...platformEnvShape(PROGRAM_SERVICE_PORT),
    ...resourceServerEnvShape,
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .describe(
        'a PostgreSQL URL, e.g. postgres://user@db:5432/programmes; leave unset for PGlite in memory',
      ),
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
  })
  .superRefine(refineResourceServerEnv);

export type ProgramServiceEnv = z.output<typeof programServiceEnvSchema>;

/** Validates program-service's environment; throws one error naming every bad variable. */
export function parseProgramServiceEnv(env: Readonly<Record<string, string | undefined>>): ProgramServiceEnv {
  return parseEnv(programServiceEnvSchema, env, 'program-service');
}

/** The typed `program-service` config namespace, read from `process.env` once at boot. */
export const programServiceConfig = registerAs('program-service', () => parseProgramServiceEnv(process.env));
