import { z } from 'zod';

import { booleanFlag, nonEmptyCommaList, platformEnvShape, portNumber } from './env-fields';
import { EnvValidationError, parseEnv } from './parse-env';

const schema = z.object({
  ...platformEnvShape(3001),
  AUTH_JWKS_URI: z.string().url().describe('set it to the JWKS address of the issuer'),
  AUTH_AUDIENCES: nonEmptyCommaList().describe('list the API client id and App ID URI'),
});

function failureOf(env: Record<string, string | undefined>): EnvValidationError {
  try {
    parseEnv(schema, env, 'demo-app');
  } catch (error) {
    if (error instanceof EnvValidationError) return error;
    throw error;
  }
  throw new Error('parseEnv accepted an invalid environment');
}

describe('parseEnv', () => {
  it('returns typed values with defaults applied', () => {
    const env = parseEnv(
      schema,
      { AUTH_JWKS_URI: 'https://idp.test/keys', AUTH_AUDIENCES: 'a, b,,' },
      'demo-app',
    );
    expect(env).toEqual({
      HOST: '127.0.0.1',
      PORT: 3001,
      LOG_LEVEL: 'info',
      CHAIN_TRACE: false,
      AUTH_JWKS_URI: 'https://idp.test/keys',
      AUTH_AUDIENCES: ['a', 'b'],
    });
  });

  it('names every bad variable in one error, with the fix from the schema', () => {
    const error = failureOf({ PORT: 'eighty', LOG_LEVEL: 'loud', AUTH_AUDIENCES: ' , ' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'AUTH_AUDIENCES',
      'AUTH_JWKS_URI',
      'LOG_LEVEL',
      'PORT',
    ]);
    expect(error.message).toMatch(/^demo-app: invalid environment, 4 problems:/);
    expect(error.message).toContain(
      'AUTH_JWKS_URI: is required (fix: set it to the JWKS address of the issuer)',
    );
    expect(error.message).toContain('AUTH_AUDIENCES: must list at least one value');
  });

  it('treats an empty value as unset so that the default applies', () => {
    const env = parseEnv(
      schema,
      { PORT: '', AUTH_JWKS_URI: 'https://idp.test/keys', AUTH_AUDIENCES: 'a' },
      'demo-app',
    );
    expect(env.PORT).toBe(3001);
  });

  it('never echoes the value of a variable it rejects', () => {
    const error = failureOf({ AUTH_JWKS_URI: 'not-a-url-s3cr3t', AUTH_AUDIENCES: 'a' });
    expect(error.message).not.toContain('s3cr3t');
    const enumError = failureOf({
      LOG_LEVEL: 'p4ssw0rd',
      AUTH_JWKS_URI: 'https://idp.test/keys',
      AUTH_AUDIENCES: 'a',
    });
    expect(enumError.message).not.toContain('p4ssw0rd');
    expect(enumError.message).toContain(
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});

describe('env field helpers', () => {
  it('accept only exact true/false flags', () => {
    expect(booleanFlag(false).parse('true')).toBe(true);
    expect(booleanFlag(true).parse(undefined)).toBe(true);
    expect(booleanFlag(false).safeParse('yes').success).toBe(false);
  });

  it('accept ports 0-65535 and refuse the rest', () => {
    expect(portNumber(3000).parse('0')).toBe(0);
    expect(portNumber(3000).parse(undefined)).toBe(3000);
    expect(portNumber(3000).safeParse('65536').success).toBe(false);
    expect(portNumber(3000).safeParse('-1').success).toBe(false);
  });
});
