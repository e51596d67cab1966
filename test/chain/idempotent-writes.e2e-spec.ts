import { randomUUID } from 'node:crypto';

import { type Chain, type SignedIn, signIn, startChain } from '@chain/testing';

import { timedCall, type TimedCallOptions } from './support/bff-api';

/**
 * Idempotency-Key end to end (every app its own process, real MSAL), in every identity mode: a create
 * retried with the same key makes one programme and replays the first answer; the same key with another
 * body is refused. A retried write after a fault (504 from a stalled documents-service, token-service
 * failures, Redis stopped, a retired signing key) is the fault suite's, test/chain/faults.entra.e2e-spec.ts.
 */
describe('idempotent writes through the chain', () => {
  let chain: Chain;
  let alice: SignedIn;

  beforeAll(async () => {
    chain = await startChain({ label: 'chain-idempotency' });
    alice = await signIn(chain, 'alice');
  });

  afterAll(() => chain?.stop());

  const call = (method: string, path: string, options: TimedCallOptions = {}) =>
    timedCall(chain.url('bff'), alice, method, path, options);

  it('creates one programme for a create retried with the same key, and replays the first answer', async () => {
    const key = randomUUID();
    const json = {
      name: `Keyed ${key.slice(0, 8)}`,
      lineOfBusiness: 'cyber',
      region: 'eu',
      insuredValue: 5e5,
      currency: 'EUR',
    };
    const first = await call('POST', '/api/programmes', { json, key });
    const second = await call('POST', '/api/programmes', { json, key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body['id']).toBe(first.body['id']);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const list = await call('GET', '/api/programmes');
    const named = (list.body['programmes'] as { name: string }[]).filter((p) => p.name === json.name);
    expect(named).toHaveLength(1);
    const reused = await call('POST', '/api/programmes', { json: { ...json, name: 'Other' }, key });
    expect(reused.status).toBe(422);
  });
});
