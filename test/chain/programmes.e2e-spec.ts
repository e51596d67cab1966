import { randomUUID } from 'node:crypto';

import { type Chain, signIn, startChain } from '@chain/testing';

import { requestsSeenBy } from './support/app-logs';
import { ApiClient, bearerParams } from './support/bff-api';
import { hopTo, traceOf } from './support/chain-trace';
import { DELEGATES, stepUp, USER_FLOW } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';
import { comparable, createProgramme, listProgrammes, type Programme } from './support/programmes';

const EVERY_LOG = [
  'azurite.log',
  'bff.log',
  'documents-service.log',
  'identity-emulator.log',
  'pricing-service.log',
  'program-service.log',
];
const STEP_UP_CLAIMS = { access_token: { acrs: { essential: true, value: 'c1' } } };

describe('programmes through the chain (every app its own process, real MSAL)', () => {
  let chain: Chain;
  let alice: ApiClient;
  let aliceOid: string;

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-programmes' });
    const session = await signIn(chain, 'alice');
    alice = new ApiClient(chain.url('bff'), session);
    aliceOid = String(session.claims['oid']);
  });

  afterAll(() => chain?.stop());

  it('lets alice list the programmes of her brokerage and create one she owns', async () => {
    const before = await listProgrammes(alice);
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));

    const created = await createProgramme(alice, 'Northwind fleet 2027');
    expect(created).toMatchObject({
      brokerage: 'Northwind',
      ownerOid: aliceOid,
      status: 'draft',
      name: 'Northwind fleet 2027',
    });
    expect((await listProgrammes(alice)).map((p) => p.id)).toContain(created.id);
  });

  it('answers bob with the same 404 for a Northwind programme every time, as for one that does not exist', async () => {
    const bob = new ApiClient(chain.url('bff'), await signIn(chain, 'bob'));
    const northwind = (await listProgrammes(alice))[0] as Programme;
    expect((await listProgrammes(bob)).map((p) => p.brokerage)).not.toContain('Northwind');

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await bob.get(`/api/programmes/${northwind.id}`));
    const missingId = randomUUID();
    const missing = await bob.get(`/api/programmes/${missingId}`);
    for (const res of [...answers, missing]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const bodies = answers.map((r) => comparable(r.body, northwind.id));
    expect(bodies[0]).toMatchObject({ status: 404, code: 'not_found' });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(comparable(missing.body, missingId)).toEqual(bodies[0]);
  });

  it('relays the claims challenge of program-service to uma, then approves once she signs in with the second factor (B2C: through the MFA user flow)', async () => {
    const programme = await createProgramme(alice, 'Northwind terminals 2027');
    expect((await alice.post(`/api/programmes/${programme.id}/submit`)).status).toBeLessThan(300);
    const uma = new ApiClient(chain.url('bff'), await signIn(chain, 'uma'));

    const refused = await uma.post(`/api/programmes/${programme.id}/approve`);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'claims_challenge' });
    const challenge = bearerParams(refused.headers.get('www-authenticate'));
    expect(challenge['error']).toBe('insufficient_claims');
    const claims = Buffer.from(challenge['claims'] ?? '', 'base64').toString('utf8');
    expect(JSON.parse(claims)).toEqual(STEP_UP_CLAIMS);
    // program-service itself answered the BFF's call for this request with the 401 the BFF relayed.
    const id = refused.headers.get('x-correlation-id');
    expect(await requestsSeenBy(chain, 'program-service', id)).toEqual([
      { method: 'POST', url: `/programmes/${programme.id}/approve`, status: 401 },
    ]);
    expect(hopTo((await traceOf(uma, id)).hops, 'program')).toMatchObject({
      flow: USER_FLOW,
      status: 401,
    });

    // Signing in again to meet the challenge: password, then the emulator's one-time-code page (123456).
    const stepped = await stepUp(chain, 'uma', claims);
    if (DELEGATES) expect(stepped.claims).toMatchObject({ tfp: chain.identity.mfaPolicies[0] });
    else expect(stepped.claims).toMatchObject({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
    const approved = await new ApiClient(chain.url('bff'), stepped).post<Programme>(
      `/api/programmes/${programme.id}/approve`,
    );
    expect([200, 201]).toContain(approved.status);
    expect(approved.body).toMatchObject({
      id: programme.id,
      status: 'approved',
      approvedBy: stepped.claims['oid'],
    });
  });

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toEqual(EVERY_LOG);
    expect(scan.leaks).toEqual([]);
  });
});
