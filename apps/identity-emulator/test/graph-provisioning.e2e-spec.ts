import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { loadRegistrations, type Registrations } from '@chain/local-tenant';
import { decodeClaims } from '@chain/testing';
import { stringify } from 'yaml';

import { httpsRequest } from './support/https-client';
import { MsalClient } from './support/msal-client';
import { redeem, signIn } from './support/sign-in';
import { CLIENT, startTestEmulator, type TestEmulator, USERS } from './support/test-emulator';

const ROOT = resolve(__dirname, '../../..');
const BOOTSTRAP = join(ROOT, 'libs/local-tenant/registrations.provisioning.yaml');
const CHAIN_FILE = join(ROOT, 'libs/local-tenant/registrations.yaml');
const PROVISIONER = {
  id: '9e5f3a7b-0c2d-4e4f-b6a8-3d9c7f1e2a10',
  secret: 'provisioner-local-secret-do-not-use-in-azure',
};
/** A second Graph client of the empty tenant that may only read applications (the 403 case). */
const READER = {
  id: '7a1e0c3d-2b4f-4a6e-9c8d-5e0f1a2b3c4d',
  secret: 'reader-local-secret-do-not-use-in-azure',
};

/** The empty tenant plus a Graph client without Application.ReadWrite.All. */
function emptyTenant(): Registrations {
  const reg = loadRegistrations(BOOTSTRAP);
  reg.applications.push({
    name: 'graph-reader',
    displayName: 'Graph reader',
    clientId: READER.id,
    type: 'confidential',
    signInAudience: 'AzureADMyOrg',
    redirectUris: [],
    postLogoutRedirectUris: [],
    secrets: [{ value: READER.secret }],
    certificates: [],
    federatedCredentials: [],
    identifierUris: [],
    accessTokenAcceptedVersion: null,
    optionalClaims: { accessToken: [], idToken: [] },
    scopes: [],
    appRoles: [],
    requireMfa: false,
    requiredResourceAccess: [
      { resource: 'microsoft-graph', delegated: [], application: ['Application.Read.All'], consented: true },
    ],
  });
  return reg;
}

interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Report {
  writes: number;
  changes: string[];
  requests: { method: string; url: string; body?: unknown }[];
  apps: Record<string, { appId: string }>;
}

describe('npm run provision against an emulator started with an empty tenant (Microsoft Graph subset)', () => {
  let te: TestEmulator;
  let msal: MsalClient;
  let out: string;

  /** `npm run provision` as a process: real HTTPS to the emulator's Graph and token endpoints. */
  function provision(args: string[], client = PROVISIONER, registrations = CHAIN_FILE): Promise<RunResult> {
    const script = join(ROOT, 'scripts/provision/provision.ts');
    const argv = ['--import', 'tsx', script, '--emulator', te.emulator.publicUrl];
    argv.push('--registrations', registrations, '--out', out, ...args);
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: te.emulator.caFile,
      PROVISION_CLIENT_ID: client.id,
      PROVISION_CLIENT_SECRET: client.secret,
    };
    return new Promise((ok) => {
      execFile(process.execPath, argv, { cwd: ROOT, env, timeout: 90_000 }, (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        ok({ status, stdout, stderr });
      });
    });
  }

  async function graphWrites(): Promise<number> {
    const res = await httpsRequest(`${te.emulator.publicUrl}/_admin/graph-writes`, te.ca);
    return res.json<{ writes: number }>().writes;
  }

  beforeAll(async () => {
    te = await startTestEmulator({ registrations: emptyTenant() });
    msal = await MsalClient.start(te.emulator.caFile);
    out = mkdtempSync(join(tmpdir(), 'provisioned-'));
  });

  afterAll(async () => {
    await msal?.stop();
    await te?.stop();
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  it("answers Graph's 401 error shape to a call without a token", async () => {
    const res = await httpsRequest(`${te.emulator.publicUrl}/v1.0/applications`, te.ca);
    expect(res.status).toBe(401);
    const body = res.json<{ error: { code: string; message: string; innerError: Record<string, string> } }>();
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the empty tenant knows none of the chain: the file’s bff cannot get a token', async () => {
    const failure = await msal.failure(
      te.msalApp(CLIENT.bff, { secret: 'bff-local-secret-do-not-use-in-azure' }),
      {
        kind: 'cc',
        scopes: ['api://pricing-service/.default'],
      },
    );
    expect(failure.message).toMatch(/AADSTS700016/);
  });

  it('a provisioning identity without Application.ReadWrite.All is refused with a message that names the fix', async () => {
    const run = await provision([], READER);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('403 Authorization_RequestDenied');
    expect(run.stderr).toContain(
      `grant the Microsoft Graph application permission Application.ReadWrite.All to the provisioning app ${READER.id}`,
    );
    expect(await graphWrites()).toBe(0);
  });

  it('--dry-run prints the Graph writes with no secret and makes none', async () => {
    const run = await provision(['--dry-run', '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.writes).toBeGreaterThan(20);
    expect(report.requests).toContainEqual(
      expect.objectContaining({ method: 'POST', url: `${te.emulator.publicUrl}/v1.0/applications` }),
    );
    expect(report.requests.map((r) => `${r.method} ${r.url}`)).toContainEqual(
      expect.stringMatching(/^POST .*\/v1\.0\/applications\/<object id of bff>\/addPassword$/),
    );
    expect(await graphWrites()).toBe(0);
    expect(existsSync(join(out, 'registrations.yaml'))).toBe(false);
  });

  it('creates the registrations, then a second run changes nothing', async () => {
    const first = await provision(['--json']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout) as Report;
    expect(report.writes).toBe(await graphWrites());
    expect(report.changes).toEqual(
      expect.arrayContaining([
        'bff: created the application (appId ' + report.apps['bff']?.appId + ')',
        'bff: granted pricing-service Pricing.Read.All',
        'bff: admin consent to program-service Program.ReadWrite',
        'uma@contoso-brokers.onmicrosoft.com: assigned program-service Underwriter',
        'bff: added a client secret',
      ]),
    );
    const provisioned = loadRegistrations(join(out, 'registrations.yaml'));
    expect(provisioned.applications.find((a) => a.name === 'bff')?.clientId).not.toBe(CLIENT.bff);
    for (const app of ['bff', 'program-service', 'pricing-service', 'documents-service'])
      expect(existsSync(join(out, `${app}.env`))).toBe(true);

    const writesBefore = await graphWrites();
    const second = await provision(['--json']);
    expect(second.status).toBe(0);
    expect((JSON.parse(second.stdout) as Report).writes).toBe(0);
    expect(await graphWrites()).toBe(writesBefore);
    // The secret the first run wrote is still the one in use.
    const again = loadRegistrations(join(out, 'registrations.yaml'));
    expect(again.applications.find((a) => a.name === 'bff')?.secrets).toEqual(
      provisioned.applications.find((a) => a.name === 'bff')?.secrets,
    );
  });

  describe('the provisioned tenant issues the chain’s tokens through the real msal-node', () => {
    let reg: Registrations;
    const app = (name: string) => {
      const found = reg.applications.find((a) => a.name === name);
      if (found === undefined) throw new Error(`${name} missing`);
      return found;
    };
    const bffMsal = () => te.msalApp(app('bff').clientId, { secret: app('bff').secrets[0]?.value ?? '' });

    beforeAll(() => {
      reg = loadRegistrations(join(out, 'registrations.yaml'));
    });

    it('client credentials: bff gets pricing-service’s Pricing.Read.All', async () => {
      const result = await msal.token(bffMsal(), { kind: 'cc', scopes: ['api://pricing-service/.default'] });
      const claims = decodeClaims(result.accessToken);
      expect(claims['aud']).toBe(app('pricing-service').clientId);
      expect(claims['azp']).toBe(app('bff').clientId);
      expect(claims['roles']).toEqual(['Pricing.Read.All']);
      expect(claims['idtyp']).toBe('app');
    });

    async function userTokenForBff(user: {
      username: string;
      password: string;
      otp: string;
    }): Promise<string> {
      const web = app('web').clientId;
      const signedIn = await signIn(te, { ...user, clientId: web });
      const res = await redeem(te, signedIn, { client_id: web });
      expect(res.status).toBe(200);
      return res.json<{ access_token: string }>().access_token;
    }

    it('on-behalf-of: a user signed in at the SPA, bff gets program-service’s Program.ReadWrite', async () => {
      const assertion = await userTokenForBff(USERS.alice);
      expect(decodeClaims(assertion)['aud']).toBe(app('bff').clientId);
      const result = await msal.token(bffMsal(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      const claims = decodeClaims(result.accessToken);
      expect(claims['aud']).toBe(app('program-service').clientId);
      expect(claims['scp']).toBe('Program.ReadWrite');
      // alice's app-role assignment on program-service (her brokerage), provisioned like the rest.
      expect(claims['roles']).toEqual(['Broker.Northwind']);
    });

    it('the user app-role assignment holds: Uma’s token for program-service carries Underwriter', async () => {
      const assertion = await userTokenForBff(USERS.uma);
      const result = await msal.token(bffMsal(), {
        kind: 'obo',
        oboAssertion: assertion,
        scopes: ['api://program-service/Program.ReadWrite'],
      });
      expect(decodeClaims(result.accessToken)['roles']).toEqual(['Underwriter']);
    });
  });

  it('creates the federated credentials the file lists (workload identity), keeps them, and updates one that changed', async () => {
    const withFederated = (subject: string): string => {
      const reg = loadRegistrations(CHAIN_FILE);
      const bff = reg.applications.find((a) => a.name === 'bff');
      bff?.federatedCredentials.push({
        name: 'aks-bff',
        issuer: 'https://oidc.cluster.example/6f1c/',
        subject,
        audiences: ['api://AzureADTokenExchange'],
      });
      const file = join(out, `federated-${subject.split(':').pop() ?? 'x'}.yaml`);
      writeFileSync(file, stringify(JSON.parse(JSON.stringify(reg)) as unknown));
      return file;
    };
    const report = async (file: string): Promise<Report> => {
      const run = await provision(['--json'], PROVISIONER, file);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      return JSON.parse(run.stdout) as Report;
    };
    const subject = 'system:serviceaccount:entra-api-chain:bff';
    const first = await report(withFederated(subject));
    expect(first.changes).toEqual([`bff: added the federated credential aks-bff (${subject})`]);
    expect(first.writes).toBe(1);
    // Listed back by Graph: nothing to do the second time.
    expect((await report(withFederated(subject))).writes).toBe(0);
    const moved = await report(withFederated('system:serviceaccount:chain-staging:bff'));
    expect(moved.changes).toEqual(['bff: updated the federated credential aks-bff']);
    expect(moved.requests.map((r) => r.method)).toEqual(['PATCH']);
  });
});
