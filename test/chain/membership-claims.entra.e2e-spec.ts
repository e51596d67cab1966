import { type Chain, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { hopTo, traceOf } from './support/chain-trace';
import { createProgramme, listProgrammes, newProgrammeTerms } from './support/programmes';

/**
 * Users of a real tenant: program-service takes the brokerage from the `Broker.<brokerage>` app role that
 * the emulator (like Entra) puts in the on-behalf-of token's `roles`, with an empty members table
 * (MEMBERSHIP_SOURCE=claims, no seed). docs/configuration.md "Who is a broker".
 */
describe('brokerage from app roles through the chain (MEMBERSHIP_SOURCE=claims, empty members table)', () => {
  let chain: Chain;

  beforeAll(async () => {
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-membership-claims',
      apps: ['program-service', 'bff'],
      env: { 'program-service': { MEMBERSHIP_SOURCE: 'claims', PROGRAM_SEED: 'none' } },
    });
  });

  afterAll(() => chain?.stop());

  it("creates alice's programme in Northwind from her Broker.Northwind role in program-service's token", async () => {
    const alice = new ApiClient(chain.url('bff'), await signIn(chain, 'alice'));
    expect(await listProgrammes(alice)).toEqual([]);
    const res = await alice.post<{ brokerage: string }>(
      '/api/programmes',
      newProgrammeTerms('Northwind by role'),
    );
    expect([res.status, res.body.brokerage]).toEqual([201, 'Northwind']);
    const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
    expect(hopTo(hops, 'program')).toMatchObject({ flow: 'on-behalf-of', status: 201 });
    expect(hopTo(hops, 'program').token.claims['roles']).toEqual(['Broker.Northwind']);
  });

  it("keeps bob (Broker.Fabrikam) in his own brokerage: alice's programme stays invisible to him", async () => {
    const bob = new ApiClient(chain.url('bff'), await signIn(chain, 'bob'));
    const created = await createProgramme(bob, 'Fabrikam by role');
    expect(created.brokerage).toBe('Fabrikam');
    expect(new Set((await listProgrammes(bob)).map((p) => p.brokerage))).toEqual(new Set(['Fabrikam']));
  });

  it('answers uma, who holds no Broker role, 403 not_a_broker naming the role to assign, relayed by the BFF', async () => {
    const uma = new ApiClient(chain.url('bff'), await signIn(chain, 'uma'));
    const res = await uma.post<{ code: string; detail: string }>(
      '/api/programmes',
      newProgrammeTerms('none'),
    );
    expect([res.status, res.body.code]).toEqual([403, 'not_a_broker']);
    expect(res.body.detail).toContain('app role Broker.<brokerage> on program-service');
  });
});
