import { z } from 'zod';

import { parseEnv } from './parse-env';
import {
  authOptionsFromEnv,
  authorityFromEnv,
  refineResourceServerEnv,
  resourceServerEnvShape,
} from './resource-server-env';

const schema = z.object(resourceServerEnvShape).superRefine(refineResourceServerEnv);
const tid = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const base = {
  AUTH_ISSUERS: `https://localhost:8443/${tid}/v2.0`,
  AUTH_JWKS_URI: `https://localhost:8443/${tid}/discovery/v2.0/keys`,
  AUTH_AUDIENCES: 'client-id,api://program-service',
};

describe('resource server env', () => {
  it('maps the AUTH_ variables onto AuthModule options', () => {
    const env = parseEnv(schema, { ...base, AUTH_CLOCK_TOLERANCE_SECONDS: '30' }, 'svc');
    expect(authOptionsFromEnv(env)).toEqual({
      issuers: [`https://localhost:8443/${tid}/v2.0`],
      jwksUri: `https://localhost:8443/${tid}/discovery/v2.0/keys`,
      audiences: ['client-id', 'api://program-service'],
      clockToleranceSeconds: 30,
    });
  });

  it('derives the authority from the first v2 issuer unless AUTH_AUTHORITY is set', () => {
    expect(authorityFromEnv(parseEnv(schema, base, 'svc'))).toBe(`https://localhost:8443/${tid}`);
    const explicit = parseEnv(schema, { ...base, AUTH_AUTHORITY: 'https://login.example/t/' }, 'svc');
    expect(authorityFromEnv(explicit)).toBe('https://login.example/t');
  });

  it('requires a tenant allow-list when an issuer is a {tenantid} template', () => {
    const templated = { ...base, AUTH_ISSUERS: 'https://login.microsoftonline.com/{tenantid}/v2.0' };
    expect(() => parseEnv(schema, templated, 'svc')).toThrow(/AUTH_ALLOWED_TENANTS: is required because/);
    const allowed = parseEnv(schema, { ...templated, AUTH_ALLOWED_TENANTS: tid }, 'svc');
    expect(authOptionsFromEnv(allowed).allowedTenants).toEqual([tid]);
  });

  it('maps the B2C variables and the delegation callers onto AuthModule options', () => {
    const callers = [
      {
        clientId: 'bff-id',
        jwksUri: 'http://127.0.0.1:3000/.well-known/delegation-jwks.json',
        scopes: ['Program.ReadWrite'],
      },
      {
        clientId: 'documents-id',
        jwksUri: 'http://127.0.0.1:3003/.well-known/delegation-jwks.json',
        scopes: 'Program.Read Program.List',
      },
    ];
    const env = parseEnv(
      schema,
      {
        ...base,
        AUTH_ROLE_CLAIMS: 'extension_Roles',
        AUTH_APP_PERMISSIONS: 'Delegation.Act, Pricing.Read.All',
        AUTH_MFA_POLICIES: 'B2C_1_mfa',
        AUTH_DELEGATION_CALLERS: JSON.stringify(callers),
      },
      'svc',
    );
    expect(authOptionsFromEnv(env)).toMatchObject({
      roleClaims: ['extension_Roles'],
      applicationPermissions: ['Delegation.Act', 'Pricing.Read.All'],
      mfaPolicies: ['B2C_1_mfa'],
      delegation: {
        callers: [callers[0], { ...callers[1], scopes: ['Program.Read', 'Program.List'] }],
      },
    });
  });

  it.each([
    ['not JSON', '[{clientId: bff}]', /AUTH_DELEGATION_CALLERS: is not JSON/],
    ['an empty list', '[]', /AUTH_DELEGATION_CALLERS: must list at least one caller/],
    [
      'a JWKS that is not a URL',
      '[{"clientId":"bff","jwksUri":"bff","scopes":["Program.Read"]}]',
      /AUTH_DELEGATION_CALLERS: entry 1 jwksUri:/,
    ],
    [
      'a scope with its resource',
      '[{"clientId":"bff","jwksUri":"http://bff/j","scopes":["api://p/Program.Read"]}]',
      /entry 1 scopes: must be scope names/,
    ],
    [
      'an unknown field',
      '[{"clientId":"bff","jwksUri":"http://bff/j","scopes":["P"],"scope":"x"}]',
      /entry 1: Unrecognized key/,
    ],
  ])('refuses AUTH_DELEGATION_CALLERS that is %s, naming the entry and the fix', (_name, value, message) => {
    expect(() => parseEnv(schema, { ...base, AUTH_DELEGATION_CALLERS: value }, 'svc')).toThrow(message);
  });

  it('leaves the B2C options out when their variables are unset', () => {
    const options = authOptionsFromEnv(parseEnv(schema, base, 'svc'));
    for (const key of ['roleClaims', 'applicationPermissions', 'mfaPolicies', 'delegation']) {
      expect(options).not.toHaveProperty(key);
    }
  });
});
