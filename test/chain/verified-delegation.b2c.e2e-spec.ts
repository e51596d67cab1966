import { createHash, createPrivateKey, randomUUID } from 'node:crypto';

import {
  type AppToken,
  type Chain,
  clientCredentialsToken,
  harnessRequest,
  signIn,
  startChain,
} from '@chain/testing';
import { decode, sign } from 'jsonwebtoken';

import { ApiClient, bearerParams } from './support/bff-api';
import { DELEGATION_PERMISSION } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';
import { appNamed, scopeOf } from './support/test-tenant';

/** The header that carries the proof beside the caller's own token (docs/identity-modes.md). */
const PROOF_HEADER = 'x-user-delegation';
const PROOF_TYP = 'user-delegation+jwt';

/**
 * B2C mode only: program-service's side of the verified delegation, tried as an attacker would. Proofs are
 * signed here with the BFF's demo key (what a stolen or misused key could do) and sent straight to
 * program-service with genuine client-credentials tokens from the emulator; every altered proof must be
 * refused with the error contract, and the genuine one accepted.
 */
describe('verified delegation at program-service (B2C: no on-behalf-of)', () => {
  let chain: Chain;
  let bffToken: AppToken;
  let alice: { oid: string; tid: string; name: string };
  let programs: ApiClient;
  let bffKey: { pem: string; kid: string };

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-delegation', apps: ['program-service', 'bff'] });
    const program = appNamed(chain.registrations, 'program-service');
    bffToken = await clientCredentialsToken(chain, 'bff', scopeOf(program, '.default'));
    const session = await signIn(chain, 'alice');
    alice = {
      oid: String(session.claims['oid']),
      tid: String(session.claims['tid']),
      name: String(session.claims['name']),
    };
    programs = new ApiClient(chain.url('program-service'), bffToken);
    const pem = appNamed(chain.registrations, 'bff').delegationKey?.pem;
    if (pem === undefined) throw new Error('the b2c registrations give the bff no delegation key');
    const jwks = (await harnessRequest(`${chain.url('bff')}/.well-known/delegation-jwks.json`)).json<{
      keys: { kid: string }[];
    }>();
    bffKey = { pem, kid: jwks.keys[0]?.kid ?? '' };
  });

  afterAll(() => chain?.stop());

  /** A proof as the BFF would sign it for `bearer`, with `changes` applied to its claims. */
  function proof(bearer: AppToken, changes: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: chain.clientId('bff'),
      azp: chain.clientId('bff'),
      aud: chain.clientId('program-service'),
      sub: alice.oid,
      oid: alice.oid,
      tid: alice.tid,
      name: alice.name,
      scp: 'Program.ReadWrite',
      amr: ['pwd'],
      roles: [],
      iat: now,
      nbf: now,
      exp: now + 120,
      jti: randomUUID(),
      ath: createHash('sha256').update(bearer.accessToken).digest('base64url'),
      ...changes,
    };
    return sign(claims, createPrivateKey(bffKey.pem), {
      algorithm: 'RS256',
      header: { alg: 'RS256', kid: bffKey.kid, typ: PROOF_TYP },
    });
  }

  async function listWith(
    bearer: AppToken,
    userProof?: string,
  ): Promise<Awaited<ReturnType<ApiClient['get']>>> {
    const api = bearer === bffToken ? programs : new ApiClient(chain.url('program-service'), bearer);
    return api.get('/programmes', userProof === undefined ? {} : { headers: { [PROOF_HEADER]: userProof } });
  }

  function expectRefused(res: Awaited<ReturnType<ApiClient['get']>>, status: 401 | 403, code: RegExp): void {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const error = status === 401 ? 'invalid_token' : 'insufficient_scope';
    expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe(error);
    expect(res.body).toMatchObject({ status, code: expect.stringMatching(code) });
  }

  it("accepts the BFF's own client-credentials token with a genuine proof, and answers as alice", async () => {
    expect(bffToken.claims).toMatchObject({ azp: chain.clientId('bff'), scp: DELEGATION_PERMISSION });
    const res = await listWith(bffToken, proof(bffToken));
    expect(res.status).toBe(200);
    const body = res.body as { programmes?: { brokerage: string }[] } | { brokerage: string }[];
    const list = Array.isArray(body) ? body : (body.programmes ?? []);
    expect(list.length).toBeGreaterThan(0);
    const brokerages = new Set(list.map((p) => p.brokerage));
    expect(brokerages).toEqual(new Set(['Northwind']));
  });

  it('refuses a proof minted for another audience (documents-service)', async () => {
    const res = await listWith(bffToken, proof(bffToken, { aud: chain.clientId('documents-service') }));
    expectRefused(res, 401, /^delegation_audience/);
  });

  it('refuses an expired proof', async () => {
    const past = Math.floor(Date.now() / 1000) - 3_600;
    const res = await listWith(bffToken, proof(bffToken, { iat: past, nbf: past, exp: past + 120 }));
    expectRefused(res, 401, /^delegation_expired$/);
  });

  it('refuses a proof whose caller is not the app that presents the token (documents-service presenting the BFF’s proof)', async () => {
    const program = appNamed(chain.registrations, 'program-service');
    const documentsToken = await clientCredentialsToken(
      chain,
      'documents-service',
      scopeOf(program, '.default'),
    );
    const res = await listWith(documentsToken, proof(documentsToken));
    expectRefused(res, 401, /^delegation_/);
  });

  it('refuses a proof whose user was altered after signing (bob for alice)', async () => {
    const genuine = proof(bffToken);
    const [header, , signature] = genuine.split('.');
    const payload = decode(genuine) as Record<string, unknown>;
    const altered = Buffer.from(
      JSON.stringify({ ...payload, oid: randomUUID(), sub: randomUUID() }),
    ).toString('base64url');
    const res = await listWith(bffToken, `${header}.${altered}.${signature}`);
    expectRefused(res, 401, /^delegation_signature/);
  });

  it('refuses a genuine proof replayed beside another client-credentials token of the same app', async () => {
    const program = appNamed(chain.registrations, 'program-service');
    // B2C app tokens carry no unique id: a token of the next second differs from the first.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const other = await clientCredentialsToken(chain, 'bff', scopeOf(program, '.default'));
    expect(other.accessToken).not.toBe(bffToken.accessToken);
    const res = await listWith(other, proof(bffToken));
    expectRefused(res, 401, /^delegation_binding/);
  });

  it('refuses with 403 a bare client-credentials token (no user) on a route that needs a user', async () => {
    const res = await listWith(bffToken);
    expectRefused(res, 403, /./);
  });

  it('refuses a proof conveying a scope the caller was not granted', async () => {
    const res = await listWith(bffToken, proof(bffToken, { scp: 'Program.ReadWrite Program.Admin' }));
    expectRefused(res, 403, /./);
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.leaks).toEqual([]);
  });
});
