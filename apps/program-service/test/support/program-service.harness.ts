import { loadRegistrations } from '@chain/local-tenant';
import { configureApp } from '@chain/platform';
import { TestIssuer } from '@chain/testing';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { AppModule, PROGRAM_SERVICE_NAME } from '../../src/app.module';
import { parseProgramServiceEnv } from '../../src/config/program-service.config';

const registrations = loadRegistrations();
const tenant = registrations.tenants[0]!;
const app = (name: string) => registrations.applications.find((a) => a.name === name)!;
const user = (name: string) => registrations.users.find((u) => u.username.startsWith(`${name}@`))!;

/** Identities of the local tenant, read from the registrations file (never duplicated by hand). */
export const tenantId = tenant.id;
export const programClientId = app('program-service').clientId;
export const bffClientId = app('bff').clientId;
export const documentsClientId = app('documents-service').clientId;
export const oids = { alice: user('alice').oid, bob: user('bob').oid, uma: user('uma').oid } as const;

/** The real AppModule (PGlite, demo seed) behind a test issuer's keys. */
export interface ProgramServiceUnderTest {
  readonly app: INestApplication;
  readonly issuer: TestIssuer;
  readonly authority: string;
  /** A v2 user token for program-service, as the BFF's on-behalf-of call would carry. */
  userToken(name: string, claims?: Record<string, unknown>): string;
  /** An app-only token (client credentials) for program-service. */
  appToken(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startProgramService(
  extraEnv: Record<string, string> = {},
): Promise<ProgramServiceUnderTest> {
  const issuer = await TestIssuer.start();
  const env = parseProgramServiceEnv({
    AUTH_ISSUERS: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    AUTH_AUDIENCES: `${programClientId},api://program-service`,
    AUTH_AUTHORITY: `https://login.test/${tenantId}`,
    LOG_LEVEL: 'silent',
    PROGRAM_SEED: 'demo',
    CHAIN_TRACE: 'true',
    ...extraEnv,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const app = moduleRef.createNestApplication();
  configureApp(app, { name: PROGRAM_SERVICE_NAME });
  await app.init();
  const base = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer.issuer,
      aud: programClientId,
      tid: tenantId,
      ver: '2.0',
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...claims,
    };
  };
  return {
    app,
    issuer,
    authority: `https://login.test/${tenantId}`,
    userToken: (name, claims = {}) => {
      const oid = (oids as Record<string, string>)[name] ?? name;
      return issuer.sign(
        base({ oid, sub: `sub-${oid}`, azp: bffClientId, scp: 'Program.ReadWrite', amr: ['pwd'], ...claims }),
      );
    },
    appToken: (claims = {}) =>
      issuer.sign(
        base({
          oid: 'sp-bff',
          sub: 'sp-bff',
          azp: bffClientId,
          idtyp: 'app',
          roles: ['Program.Admin'],
          ...claims,
        }),
      ),
    close: async () => {
      await app.close();
      await issuer.stop();
    },
  };
}
