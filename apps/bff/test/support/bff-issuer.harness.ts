import { loadRegistrations } from '@chain/local-tenant';
import { configureApp } from '@chain/platform';
import { TestIssuer } from '@chain/testing';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { AppModule, BFF_NAME } from '../../src/app.module';
import { parseBffEnv } from '../../src/config/bff.config';

const registrations = loadRegistrations();
const app = (name: string) => registrations.applications.find((a) => a.name === name)!;

/** Identities of the local tenant, read from the registrations file. */
export const tenantId = registrations.tenants[0]!.id;
export const bffClientId = app('bff').clientId;
export const webClientId = app('web').clientId;
export const aliceOid = registrations.users.find((u) => u.username.startsWith('alice@'))!.oid;

/** Nothing listens there: these tests never get past the BFF's own checks to a downstream. */
const NOWHERE = 'http://127.0.0.1:9';

/**
 * The real BFF AppModule behind a test issuer's keys, for what the BFF decides alone (401, 403, /api/me,
 * CORS, /api/chain's presence). Downstream calls go nowhere; the emulator suite covers them.
 */
export interface BffUnderTest {
  readonly app: INestApplication;
  /** A user token for the BFF, as the SPA gets it (aud api://bff's client id, scp access_as_user). */
  userToken(claims?: Record<string, unknown>): string;
  /** An app-only token for the BFF (client credentials), which the BFF must refuse. */
  appToken(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startBff(extraEnv: Record<string, string> = {}): Promise<BffUnderTest> {
  const issuer = await TestIssuer.start();
  const env = parseBffEnv({
    AUTH_ISSUERS: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    AUTH_AUDIENCES: `${bffClientId},api://bff`,
    AUTH_AUTHORITY: `https://login.test/${tenantId}`,
    AUTH_CLIENT_ID: bffClientId,
    AUTH_CLIENT_SECRET: 'test-only-secret',
    DOWNSTREAM_APIS__PROGRAM__BASE_URL: NOWHERE,
    DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
    DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
    DOWNSTREAM_APIS__DOCUMENTS__BASE_URL: NOWHERE,
    DOWNSTREAM_APIS__DOCUMENTS__FLOW: 'on-behalf-of',
    DOWNSTREAM_APIS__DOCUMENTS__SCOPES: 'api://documents-service/Documents.ReadWrite',
    DOWNSTREAM_APIS__PRICING__BASE_URL: NOWHERE,
    DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
    DOWNSTREAM_APIS__PRICING__SCOPES: 'api://pricing-service/.default',
    LOG_LEVEL: 'silent',
    ...extraEnv,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const nest = moduleRef.createNestApplication();
  configureApp(nest, { name: BFF_NAME });
  await nest.init();
  const base = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer.issuer,
      aud: bffClientId,
      tid: tenantId,
      ver: '2.0',
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...claims,
    };
  };
  return {
    app: nest,
    userToken: (claims = {}) =>
      issuer.sign(
        base({
          oid: aliceOid,
          sub: 'sub-alice',
          azp: webClientId,
          scp: 'access_as_user',
          name: 'Alice',
          amr: ['pwd'],
          ...claims,
        }),
      ),
    appToken: (claims = {}) =>
      issuer.sign(
        base({ oid: 'sp-x', sub: 'sp-x', azp: 'some-daemon', idtyp: 'app', roles: ['Bff.Admin'], ...claims }),
      ),
    close: async () => {
      await nest.close();
      await issuer.stop();
    },
  };
}
