import { z } from 'zod';

import { integerString } from '../config/env-fields';
import { parseEnv } from '../config/parse-env';
import { openApiOf, resourceServerEnvSchema } from './resource-service';

const tid = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const auth = {
  AUTH_ISSUERS: `https://localhost:8443/${tid}/v2.0`,
  AUTH_JWKS_URI: `https://localhost:8443/${tid}/discovery/v2.0/keys`,
  AUTH_AUDIENCES: '6a0c8f4e-0000-4000-8000-000000000001,api://notes-service',
};

describe('resourceServerEnvSchema', () => {
  const schema = resourceServerEnvSchema(3004, {
    NOTES_LIMIT: integerString(1, 1000).default('100').describe('items per user'),
  });

  it('holds the platform variables, the AUTH_ variables and the service its own, with their defaults', () => {
    const env = parseEnv(schema, auth, 'notes-service');
    expect(env).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3004,
      LOG_LEVEL: 'info',
      CHAIN_TRACE: false,
      AUTH_ISSUERS: [auth.AUTH_ISSUERS],
      AUTH_AUDIENCES: ['6a0c8f4e-0000-4000-8000-000000000001', 'api://notes-service'],
      NOTES_LIMIT: 100,
    });
    // The compose checks read the declared variables off the object under the refinement.
    expect(Object.keys(schema.innerType().shape)).toEqual(
      expect.arrayContaining(['HOST', 'PORT', 'AUTH_ISSUERS', 'AUTH_DELEGATION_CALLERS', 'NOTES_LIMIT']),
    );
  });

  it("names every bad variable, the service's own included, in one error", () => {
    const bad = { ...auth, AUTH_JWKS_URI: 'ftp://x', NOTES_LIMIT: '0' };
    expect(() => parseEnv(schema, bad, 'notes-service')).toThrow(
      /notes-service[\s\S]*AUTH_JWKS_URI[\s\S]*NOTES_LIMIT/,
    );
  });

  it('keeps the cross-field rule: a {tenantid} issuer needs AUTH_ALLOWED_TENANTS', () => {
    const templated = { ...auth, AUTH_ISSUERS: 'https://login.microsoftonline.com/{tenantid}/v2.0' };
    expect(() => parseEnv(resourceServerEnvSchema(3004), templated, 'svc')).toThrow(
      /AUTH_ALLOWED_TENANTS: is required because/,
    );
    expect(
      parseEnv(resourceServerEnvSchema(3004), { ...templated, AUTH_ALLOWED_TENANTS: tid }, 'svc'),
    ).toMatchObject({ AUTH_ALLOWED_TENANTS: [tid] });
  });

  it('types the own variables (a compile-time check as much as a runtime one)', () => {
    const env: z.output<typeof schema> = parseEnv(schema, { ...auth, NOTES_LIMIT: '7' }, 'svc');
    const limit: number = env.NOTES_LIMIT;
    expect(limit).toBe(7);
  });
});

describe('openApiOf', () => {
  const env = parseEnv(resourceServerEnvSchema(3004), auth, 'svc');

  it('offers the delegated scopes under the App ID URI, with the authority of the issuer', () => {
    expect(
      openApiOf(
        { name: 'notes-service', description: 'Notes', scopes: { 'Notes.ReadWrite': 'Your notes' } },
        env,
      ),
    ).toEqual({
      description: 'Notes',
      authority: `https://localhost:8443/${tid}`,
      scopes: { 'api://notes-service/Notes.ReadWrite': 'Your notes' },
    });
  });

  it('falls back on api://<name> when no audience is a URI, and offers bearer only without scopes', () => {
    const byId = { ...env, AUTH_AUDIENCES: ['6a0c8f4e-0000-4000-8000-000000000001'] };
    expect(openApiOf({ name: 'notes-service', description: 'N', scopes: { S: 's' } }, byId).scopes).toEqual({
      'api://notes-service/S': 's',
    });
    expect(openApiOf({ name: 'rates', description: 'Rates' }, env)).toEqual({ description: 'Rates' });
  });
});
