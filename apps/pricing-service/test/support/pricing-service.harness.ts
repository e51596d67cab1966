import { loadRegistrations } from '@chain/local-tenant';
import { configureApp } from '@chain/platform';
import { TestIssuer } from '@chain/testing';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { AppModule, PRICING_SERVICE_NAME } from '../../src/app.module';
import { parsePricingServiceEnv } from '../../src/config/pricing-service.config';

const registrations = loadRegistrations();
const app = (name: string) => registrations.applications.find((a) => a.name === name)!;

/** Identities of the local tenant, read from the registrations file. */
export const tenantId = registrations.tenants[0]!.id;
export const pricingClientId = app('pricing-service').clientId;
export const bffClientId = app('bff').clientId;
export const documentsClientId = app('documents-service').clientId;
export const aliceOid = registrations.users.find((u) => u.username.startsWith('alice@'))!.oid;

export interface PricingServiceUnderTest {
  readonly app: INestApplication;
  /** An app-only token (client credentials) from `callerId` with role Pricing.Read.All. */
  appToken(callerId?: string, claims?: Record<string, unknown>): string;
  /** A delegated user token, which pricing-service must refuse. */
  userToken(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

/** The real AppModule behind a test issuer's keys; only the BFF is on the caller list. */
export async function startPricingService(): Promise<PricingServiceUnderTest> {
  const issuer = await TestIssuer.start();
  const env = parsePricingServiceEnv({
    AUTH_ISSUERS: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    AUTH_AUDIENCES: `${pricingClientId},api://pricing-service`,
    PRICING_ALLOWED_CALLERS: bffClientId,
    LOG_LEVEL: 'silent',
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const nest = moduleRef.createNestApplication();
  configureApp(nest, { name: PRICING_SERVICE_NAME });
  await nest.init();
  const base = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer.issuer,
      aud: pricingClientId,
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
    appToken: (callerId = bffClientId, claims = {}) =>
      issuer.sign(
        base({
          azp: callerId,
          oid: `sp-${callerId}`,
          sub: `sp-${callerId}`,
          idtyp: 'app',
          roles: ['Pricing.Read.All'],
          ...claims,
        }),
      ),
    userToken: (claims = {}) =>
      issuer.sign(
        base({
          azp: bffClientId,
          oid: aliceOid,
          sub: 'sub-alice',
          scp: 'access_as_user',
          roles: ['Pricing.Read.All'],
          ...claims,
        }),
      ),
    close: async () => {
      await nest.close();
      await issuer.stop();
    },
  };
}
