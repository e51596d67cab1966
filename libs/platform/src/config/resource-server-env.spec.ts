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
});
