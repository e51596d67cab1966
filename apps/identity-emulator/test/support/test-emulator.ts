import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadRegistrations, type Registrations } from '@chain/local-tenant';
import { generate } from 'selfsigned';

import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator';
import type { MsalAppConfig } from './msal-protocol';

export const TENANT_ID = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
export const CLIENT = {
  web: '0b7c2f9e-1a4d-4e8b-9c3f-6d5e4a3b2c11',
  bff: '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22',
  program: '2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33',
  pricing: '3e0f5a2b-4d7a-4b1e-8f6c-9a8b7d6e5f44',
  documents: '4f1a6b3c-5e8b-4c2f-9a7d-0b9c8e7f6a55',
  audit: '6a2b7c4d-6f9c-4d3a-8b8e-1c0d9f8a7b66',
} as const;
export const SECRET = {
  bff: 'bff-local-secret-do-not-use-in-azure',
  documents: 'documents-local-secret-do-not-use-in-azure',
} as const;
export const USERS = {
  alice: { username: 'alice@contoso-brokers.onmicrosoft.com', password: 'Passw0rd!alice', otp: '123456' },
  uma: { username: 'uma@contoso-brokers.onmicrosoft.com', password: 'Passw0rd!uma', otp: '123456' },
} as const;

export interface TestCertificate {
  readonly pem: string;
  readonly privateKey: string;
  readonly thumbprintSha256: string;
}

export interface TestEmulator {
  readonly emulator: RunningEmulator;
  readonly dataDir: string;
  readonly ca: string;
  readonly authority: string;
  /** The registrations the emulator serves. */
  readonly registrations: Registrations;
  readonly bffCertificate: TestCertificate;
  /** `https://localhost:<port>/<tenant><path>`: the public host, as MSAL uses it. */
  url(path: string): string;
  msalApp(clientId: string, credential: { secret: string } | { certificate: TestCertificate }): MsalAppConfig;
  stop(): Promise<void>;
}

/** A certificate credential as a developer would create one (public part registered, private key kept). */
export async function makeClientCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'bff client credential' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  const thumbprintSha256 = createHash('sha256').update(new X509Certificate(pems.cert).raw).digest('hex');
  return { pem: pems.cert, privateKey: pems.private, thumbprintSha256 };
}

/**
 * The project's registrations plus what the tests need: a certificate credential on bff, and an
 * `audit-service` whose tokens require MFA (a Conditional Access policy on the resource).
 */
export function testRegistrations(certificate: TestCertificate): Registrations {
  const reg = loadRegistrations();
  const bff = reg.applications.find((a) => a.name === 'bff');
  if (bff === undefined) throw new Error('bff missing from registrations');
  bff.certificates.push({ pem: certificate.pem });
  bff.requiredResourceAccess.push({
    resource: 'audit-service',
    delegated: ['Audit.Read'],
    application: [],
    consented: true,
  });
  reg.applications.push({
    name: 'audit-service',
    displayName: 'Audit service',
    clientId: CLIENT.audit,
    type: 'confidential',
    signInAudience: 'AzureADMyOrg',
    redirectUris: [],
    postLogoutRedirectUris: [],
    secrets: [],
    certificates: [],
    federatedCredentials: [],
    identifierUris: ['api://audit-service'],
    accessTokenAcceptedVersion: 2,
    optionalClaims: { accessToken: [], idToken: [] },
    scopes: ['Audit.Read'],
    appRoles: [],
    requireMfa: true,
    requiredResourceAccess: [],
  });
  return reg;
}

/** Starts an in-process emulator on a random port with its own data directory. */
export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'identity-emulator-'));
  const bffCertificate = await makeClientCertificate();
  const registrations =
    typeof options.registrations === 'object'
      ? options.registrations
      : typeof options.registrations === 'string'
        ? loadRegistrations(options.registrations)
        : testRegistrations(bffCertificate);
  const emulator = await startEmulator({ dataDir, testEndpoints: true, ...options, registrations });
  const authority = `${emulator.publicUrl}/${TENANT_ID}`;
  const knownAuthorities = [new URL(emulator.publicUrl).host];
  return {
    emulator,
    dataDir,
    ca: emulator.caPem,
    authority,
    registrations,
    bffCertificate,
    url: (path) => `${authority}${path}`,
    msalApp: (clientId, credential) => ({
      clientId,
      authority,
      knownAuthorities,
      ...('secret' in credential
        ? { clientSecret: credential.secret }
        : {
            certificate: {
              thumbprintSha256: credential.certificate.thumbprintSha256,
              privateKey: credential.certificate.privateKey,
            },
          }),
    }),
    stop: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
