import { nonEmptyCommaList, parseEnv, resourceServerEnvSchema } from '@chain/platform';
import { registerAs } from '@nestjs/config';
import { z } from 'zod';

/** Default port of pricing-service (docs/CONTRACTS.md "Ports and hosts"). */
export const PRICING_SERVICE_PORT = 3002;

/** The environment of pricing-service (CONTRACTS.md "App env"). */
export const pricingServiceEnvSchema = resourceServerEnvSchema(PRICING_SERVICE_PORT, {
  PRICING_ALLOWED_CALLERS: nonEmptyCommaList().describe(
    'comma list of client ids (azp/appid) allowed to call, e.g. the bff client id',
  ),
});

export type PricingServiceEnv = z.output<typeof pricingServiceEnvSchema>;

/** Validates pricing-service's environment; throws one error naming every bad variable. */
export function parsePricingServiceEnv(env: Readonly<Record<string, string | undefined>>): PricingServiceEnv {
  return parseEnv(pricingServiceEnvSchema, env, 'pricing-service');
}

/** The typed `pricing-service` config namespace, read from `process.env` once at boot. */
export const pricingServiceConfig = registerAs('pricing-service', () => parsePricingServiceEnv(process.env));
