import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { registrationsFileOf } from '@chain/local-tenant';
import { type Chain, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { stopAndScanLogs } from './support/log-leaks';
import { LocalOidcIssuer, TOKEN_EXCHANGE_AUDIENCE } from './support/oidc-issuer';
import { listProgrammes } from './support/programmes';
import { registration, writeRegistrationsVariant } from './support/registrations-variant';

/** The BFF's service account, as AKS names the subject of its projected token. */
const SUBJECT = 'system:serviceaccount:entra-api-chain:bff';
/** Lifetime of the emulator's access tokens and of the first federated token: short, so both expire in the test. */
const LIFETIME_SECONDS = 20;

/**
 * Workload identity end to end: the BFF has no client secret, only AZURE_FEDERATED_TOKEN_FILE, written
 * and rotated by a local OIDC issuer standing in for the cluster's; the emulator trusts that issuer through
 * a federated identity credential on the BFF's registration and checks each assertion against the issuer's
 * published keys. Real processes, real msal-node in the BFF.
 */
describe('workload identity: the BFF authenticates with a federated token file (entra)', () => {
  let chain: Chain;
  let issuer: LocalOidcIssuer;
  let dir: string;
  let tokenFile: string;
  let tenantFile: string;
  let bffClientId: string;
  const tokens: string[] = [];

  /** Writes the token file as the kubelet does: a new file renamed over the old one. */
  const writeToken = (token: string): void => {
    tokens.push(token);
    writeFileSync(`${tokenFile}.tmp`, token);
    renameSync(`${tokenFile}.tmp`, tokenFile);
  };
  const counts = async (): Promise<{ obo: number; cc: number }> => {
    const { byKey } = await chain.admin.tokenRequests();
    const sum = (grant: string) =>
      Object.entries(byKey)
        .filter(([key]) => key.startsWith(`${grant}|${bffClientId}|`))
        .reduce((n, [, count]) => n + count, 0);
    return { obo: sum('on_behalf_of'), cc: sum('client_credentials') };
  };
  /** Whether the BFF's log shows `line` within 5 s (its logger writes asynchronously). */
  const bffLogOnce = async (line: RegExp | ((log: string) => boolean)): Promise<boolean> => {
    const seen = (log: string) => (line instanceof RegExp ? line.test(log) : line(log));
    for (let i = 0; i < 50; i += 1) {
      if (seen(readFileSync(join(chain.logDir, 'bff.log'), 'utf8'))) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  };
  const quoteAs = async (user: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const api = new ApiClient(chain.url('bff'), await signIn(chain, user));
    const programmes = await listProgrammes(api);
    const res = await api.get(`/api/programmes/${programmes[0]?.id ?? 'none'}/quote`);
    return { status: res.status, body: res.body };
  };

  beforeAll(async () => {
    issuer = await LocalOidcIssuer.start();
    dir = mkdtempSync(join(tmpdir(), 'workload-identity-'));
    tokenFile = join(dir, 'azure-identity-token');
    const issuerCa = join(dir, 'issuer-ca.pem');
    writeFileSync(issuerCa, issuer.tlsCertificatePem);
    writeToken(issuer.serviceAccountToken(SUBJECT, 3600)); // read at boot (must exist), replaced below
    tenantFile = writeRegistrationsVariant(registrationsFileOf('entra'), (reg) => {
      const bff = registration(reg, 'bff');
      bff.secrets = [];
      bff.federatedCredentials = [
        { name: 'aks-bff', issuer: issuer.issuer, subject: SUBJECT, audiences: [TOKEN_EXCHANGE_AUDIENCE] },
      ];
    });
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-workload-identity',
      apps: ['bff', 'program-service', 'pricing-service'],
      emulatorRegistrationsPath: tenantFile,
      tokenLifetimeSeconds: LIFETIME_SECONDS,
      env: {
        // No secret: the credential is the token file (an empty variable counts as unset).
        bff: { AUTH_CLIENT_SECRET: '', AZURE_FEDERATED_TOKEN_FILE: tokenFile },
        // The emulator reaches the issuer over HTTPS, trusting its certificate the normal way.
        'identity-emulator': { NODE_EXTRA_CA_CERTS: issuerCa },
      },
    });
    bffClientId = chain.clientId('bff').toLowerCase();
    // The token of the first test, fresh however long the start took; it expires during the rotation test.
    writeToken(issuer.serviceAccountToken(SUBJECT, LIFETIME_SECONDS));
  });

  afterAll(async () => {
    await chain?.stop();
    await issuer?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tenantFile, '..'), { recursive: true, force: true });
  });

  it('acquires on-behalf-of and client-credentials tokens with the federated token as client assertion', async () => {
    const before = await counts();
    const quote = await quoteAs('alice');
    expect(quote.status).toBe(200);
    const after = await counts();
    expect(after.obo).toBeGreaterThan(before.obo);
    expect(after.cc).toBeGreaterThan(before.cc);
  });

  it('keeps acquiring both after the file is rotated to a token signed by a new key and the old token expired', async () => {
    issuer.rotateKey({ keepPrevious: false }); // the first key is no longer published
    writeToken(issuer.serviceAccountToken(SUBJECT, 3600));
    // The first federated token and every cached access token (same lifetime) expire: a BFF that had read
    // the file once would now be refused (AADSTS700024), and nothing can be served from its cache.
    await new Promise((resolve) => setTimeout(resolve, (LIFETIME_SECONDS + 2) * 1000));
    const before = await counts();
    const quote = await quoteAs('bob');
    expect(quote.status).toBe(200);
    const after = await counts();
    expect(after.obo).toBeGreaterThan(before.obo);
    expect(after.cc).toBeGreaterThan(before.cc);
  }, 60_000);

  it('surfaces a token whose subject matches no federated credential as a configuration problem (AADSTS700213)', async () => {
    writeToken(issuer.serviceAccountToken('system:serviceaccount:other-namespace:intruder', 3600));
    const api = new ApiClient(chain.url('bff'), await signIn(chain, 'uma'));
    const res = await api.get('/api/programmes');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'federated_credential_rejected', status: 502 });
    expect(String(res.body['detail'])).toContain('AADSTS700213');
    expect(String(res.body['detail'])).toContain(chain.clientId('bff'));
    expect(await bffLogOnce(/AADSTS700213.*federated identity credential/)).toBe(true);
  });

  it.each([
    ['an audience', { audience: 'api://not-token-exchange' }, 'AADSTS700212'],
    ['an issuer', { issuer: 'https://oidc.example.test/other-cluster/' }, 'AADSTS700211'],
  ])('refuses %s no federated credential lists, as Entra does', async (_what, claims, aadsts) => {
    writeToken(issuer.serviceAccountToken(SUBJECT, 3600, claims));
    const api = new ApiClient(chain.url('bff'), await signIn(chain, 'bob'));
    const res = await api.get('/api/programmes');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'federated_credential_rejected' });
    expect(String(res.body['detail'])).toContain(aadsts);
  });

  it('answers 503 naming the fix in its log when the token file is gone, and recovers when it is back', async () => {
    rmSync(tokenFile);
    const api = new ApiClient(chain.url('bff'), await signIn(chain, 'alice'));
    const res = await api.get('/api/programmes');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'federated_token_unreadable', status: 503 });
    expect(JSON.stringify(res.body)).not.toContain(dir); // the path stays in the service's log
    const missing = `the federated token file ${tokenFile} does not exist (ENOENT)`;
    expect(await bffLogOnce((log) => log.includes(missing))).toBe(true);
    expect(
      await bffLogOnce(/does not exist \(ENOENT\): mount the projected .*azure\.workload\.identity\/use/),
    ).toBe(true);

    writeToken(issuer.serviceAccountToken(SUBJECT, 3600));
    expect((await quoteAs('alice')).status).toBe(200);
  });

  it('logs no federated token', async () => {
    const scan = await stopAndScanLogs(chain, tokens);
    expect(scan.leaks).toEqual([]);
  });
});
