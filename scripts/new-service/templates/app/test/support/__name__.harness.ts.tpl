import { randomUUID } from 'node:crypto';

import { applicationFor, loadRegistrations } from '@chain/local-tenant';
import { configureApp } from '@chain/platform';
import { TestIssuer } from '@chain/testing';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { AppModule, {{CONST}}_NAME } from '../../src/app.module';
import { parse{{Pascal}}Env } from '../../src/config/{{name}}.config';
import { ITEMS_SCOPE } from '../../src/items/items.controller';

const registrations = loadRegistrations();

/** Identities of the local tenant, read from the registrations file (never duplicated by hand). */
export const tenantId = registrations.tenants[0]!.id;
export const serviceClientId = applicationFor(registrations, '{{name}}').clientId;
export const bffClientId = applicationFor(registrations, 'bff').clientId;
/** Two users of the tenant (the test issuer signs for any oid). */
export const oids = { alice: randomUUID(), bob: randomUUID() } as const;

/** The real AppModule behind a test issuer's keys. */
export interface ServiceUnderTest {
  readonly app: INestApplication;
  /** A v2 user token for {{name}} with scope {{scope}}, as the BFF's on-behalf-of call carries. */
  userToken(user: keyof typeof oids, claims?: Record<string, unknown>): string;
  /** An app-only token (client credentials) for {{name}}, which it must refuse. */
  appToken(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function start{{Pascal}}(): Promise<ServiceUnderTest> {
  const issuer = await TestIssuer.start({ tenantId });
  const env = parse{{Pascal}}Env({
    AUTH_ISSUERS: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    AUTH_AUDIENCES: `${serviceClientId},api://{{name}}`,
    LOG_LEVEL: 'silent',
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const app = moduleRef.createNestApplication();
  configureApp(app, { name: {{CONST}}_NAME });
  await app.init();
  const token = (claims: Record<string, unknown>) => issuer.sign({ aud: serviceClientId, azp: bffClientId, ...claims });
  return {
    app,
    userToken: (user, claims = {}) =>
      token({ oid: oids[user], sub: `sub-${user}`, scp: ITEMS_SCOPE, ...claims }),
    appToken: (claims = {}) =>
      token({ oid: `sp-${bffClientId}`, sub: `sp-${bffClientId}`, idtyp: 'app', roles: [ITEMS_SCOPE], ...claims }),
    close: async () => {
      await app.close();
      await issuer.stop();
    },
  };
}
