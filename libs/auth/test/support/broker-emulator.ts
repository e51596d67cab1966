import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadRegistrations, type Registrations } from '@chain/local-tenant';

import { type RunningEmulator, startEmulator } from '../../../../apps/identity-emulator/src/emulator';

export const TENANT_ID = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
export const WEB_CLIENT_ID = '0b7c2f9e-1a4d-4e8b-9c3f-6d5e4a3b2c11';
export const BFF_CLIENT_ID = '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22';
export const BFF_SECRET = 'bff-local-secret-do-not-use-in-azure';
export const PROGRAM_CLIENT_ID = '2d9e4f1a-3c6f-4a0d-9e5b-8f7a6c5d4e33';
export const PRICING_CLIENT_ID = '3e0f5a2b-4d7a-4b1e-8f6c-9a8b7d6e5f44';
const REDIRECT_URI = 'http://localhost:8080/';

/** A generated test user (oid and credentials). */
export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly oid: string;
}

/** The emulator for broker tests: the project's tenant plus `userCount` generated users. */
export interface BrokerEmulator {
  readonly emulator: RunningEmulator;
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly users: readonly TestUser[];
  /** A real bff access token for `user`, obtained through the login form (auth code + PKCE as the SPA). */
  signIn(user: TestUser): Promise<string>;
  tokenRequests(): Promise<{ total: number; byKey: Record<string, number> }>;
  resetTokenRequests(): Promise<void>;
  addFault(rule: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

function generatedUsers(count: number): TestUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return {
      username: `load${n}@contoso-brokers.onmicrosoft.com`,
      password: `Passw0rd!load${n}`,
      oid: `10ad0000-0000-4000-8000-00000000${n}`,
    };
  });
}

function registrationsWith(users: readonly TestUser[]): Registrations {
  const reg = loadRegistrations();
  for (const u of users) {
    reg.users.push({
      username: u.username,
      displayName: u.username,
      oid: u.oid,
      password: u.password,
      attributes: {},
      appRoleAssignments: [],
      customAttributes: {},
    });
  }
  return reg;
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  ca: string,
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function signIn(ca: string, authority: string, user: TestUser): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${authority}/oauth2/v2.0/authorize`);
  const params = {
    client_id: WEB_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    response_mode: 'query',
    scope: 'api://bff/access_as_user openid profile offline_access',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const page = await send(ca, authorize.toString(), 'GET');
  const tx = /name="tx" value="([^"]+)"/.exec(page.body)?.[1];
  if (!tx) throw new Error(`no login form (HTTP ${page.status})`);
  const form = new URLSearchParams({ tx, username: user.username, password: user.password });
  const posted = await send(ca, `${authority}/oauth2/v2.0/authorize`, 'POST', form.toString());
  const location = String(posted.headers.location ?? '');
  const code = new URL(location, REDIRECT_URI).searchParams.get('code');
  if (!code) throw new Error(`sign-in of ${user.username} gave no code (HTTP ${posted.status})`);
  const redeem = new URLSearchParams({
    client_id: WEB_CLIENT_ID,
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    scope: params.scope,
  });
  const token = await send(ca, `${authority}/oauth2/v2.0/token`, 'POST', redeem.toString(), {
    origin: 'http://localhost:8080',
  });
  const accessToken = (JSON.parse(token.body) as { access_token?: string }).access_token;
  if (!accessToken) throw new Error(`code redemption failed (HTTP ${token.status})`);
  return accessToken;
}

/** Starts an in-process emulator (random port, own data directory, test endpoints on). */
export async function startBrokerEmulator(userCount: number): Promise<BrokerEmulator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-emulator-'));
  const users = generatedUsers(userCount);
  const emulator = await startEmulator({
    dataDir,
    registrations: registrationsWith(users),
    testEndpoints: true,
  });
  const authority = `${emulator.publicUrl}/${TENANT_ID}`;
  const admin = (path: string, method = 'GET', body?: unknown): Promise<Raw> =>
    send(
      emulator.caPem,
      `${emulator.publicUrl}${path}`,
      method,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { 'content-type': 'application/json' },
    );
  return {
    emulator,
    authority,
    knownAuthorities: [new URL(emulator.publicUrl).host],
    users,
    signIn: (user) => signIn(emulator.caPem, authority, user),
    tokenRequests: async () =>
      JSON.parse((await admin('/_admin/token-requests')).body) as {
        total: number;
        byKey: Record<string, number>;
      },
    resetTokenRequests: async () => void (await admin('/_admin/token-requests/reset', 'POST', {})),
    addFault: async (rule) => void (await admin('/_admin/faults', 'POST', rule)),
    clearFaults: async () => void (await admin('/_admin/faults', 'DELETE')),
    stop: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs users in, a few at a time. */
export async function signInAll(
  env: BrokerEmulator,
  users: readonly TestUser[],
  concurrency = 8,
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (let i = 0; i < users.length; i += concurrency) {
    const batch = users.slice(i, i + concurrency);
    const issued = await Promise.all(batch.map((u) => env.signIn(u)));
    batch.forEach((u, j) => tokens.set(u.oid, issued[j]!));
  }
  return tokens;
}

/** Count of on-behalf-of / client-credentials token requests by bff for one resource. */
export function countFor(
  snapshot: { byKey: Record<string, number> },
  grant: 'on_behalf_of' | 'client_credentials',
  resource: string,
): number {
  return snapshot.byKey[`${grant}|${BFF_CLIENT_ID}|${resource}`] ?? 0;
}
