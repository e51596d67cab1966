import { z } from 'zod';

/** Log levels accepted by `LOG_LEVEL` (pino's, plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A comma-separated list (`a, b,c`) parsed into trimmed, non-empty items. */
export function commaList(): z.ZodEffects<z.ZodString, string[], string> {
  return z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
}

/** A comma-separated list that must hold at least one item. */
export function nonEmptyCommaList(): z.ZodType<string[], z.ZodTypeDef, string> {
  return commaList().pipe(z.array(z.string()).min(1, 'must list at least one value'));
}

/** `true` / `false` (exact, lower case) with a default; anything else is an error, not a silent `false`. */
export function booleanFlag(defaultValue: boolean): z.ZodType<boolean, z.ZodTypeDef, string | undefined> {
  return z
    .enum(['true', 'false'], { errorMap: () => ({ message: 'must be "true" or "false"' }) })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true');
}

/** A TCP port (0 = pick a free one, as tests do) given as decimal digits. */
export function portNumber(defaultPort: number): z.ZodType<number, z.ZodTypeDef, string | undefined> {
  return z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number (0-65535)')
    .default(String(defaultPort))
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535, 'must be a port number (0-65535)'));
}

/** A non-negative integer given as decimal digits, within `[min, max]`. */
export function integerString(min: number, max: number): z.ZodType<number, z.ZodTypeDef, string> {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** An absolute http(s) URL. */
export function httpUrl(): z.ZodString {
  return z
    .string()
    .url('must be an absolute URL')
    .regex(/^https?:\/\//, 'must start with http:// or https://');
}

/** Variables every HTTP app reads: where to listen and how much to log. */
export function platformEnvShape(defaultPort: number) {
  return {
    HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('the interface to listen on; 127.0.0.1 locally, 0.0.0.0 in a container'),
    PORT: portNumber(defaultPort).describe(
      `the TCP port to listen on (default ${defaultPort}; 0 picks a free one)`,
    ),
    LOG_LEVEL: z
      .enum(LOG_LEVELS)
      .default('info')
      .describe(`one of ${LOG_LEVELS.join(', ')}`),
    CHAIN_TRACE: booleanFlag(false).describe(
      '"true" only in local/demo setups: returns the x-chain-trace header',
    ),
  };
}
