import { parseEnv, resourceServerEnvSchema } from '@chain/platform';
import { registerAs } from '@nestjs/config';
import type { z } from 'zod';

/** Default port of {{name}}: its `port` in chain.yaml (`{{portVariable}}` overrides it under `npm start`). */
export const {{CONST}}_PORT = {{port}};

/**
 * The environment of {{name}}: HOST, PORT, LOG_LEVEL, CHAIN_TRACE and the `AUTH_*` variables (derived from
 * the registrations by the launchers), plus the service's own, declared here and given values in the
 * `env` of its chain.yaml entry.
 */
export const {{camel}}EnvSchema = resourceServerEnvSchema({{CONST}}_PORT, {});

export type {{Pascal}}Env = z.output<typeof {{camel}}EnvSchema>;

/** Validates {{name}}'s environment; throws one error naming every bad variable. */
export function parse{{Pascal}}Env(env: Readonly<Record<string, string | undefined>>): {{Pascal}}Env {
  return parseEnv({{camel}}EnvSchema, env, '{{name}}');
}

/** The typed `{{name}}` config namespace, read from `process.env` once at boot. */
export const {{camel}}Config = registerAs('{{name}}', () => parse{{Pascal}}Env(process.env));
