import { TokenBrokerError } from '@chain/auth';

import { FakeDownstreamClient, userPrincipal } from '../common/downstream-test.fakes';
import { ProgrammesService } from './programmes.service';

const PROGRAMME = {
  id: '6f1f6a4e-8a43-4c39-9b0a-0c8f5a1d2e3f',
  name: 'Northwind warehouses 2027',
  brokerage: 'Northwind',
  ownerOid: 'oid-alice',
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: 25_000_000,
  currency: 'GBP',
  status: 'draft',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const QUOTE = {
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: 25_000_000,
  ratePerMille: 1.25,
  premium: 31_250,
  currency: 'GBP',
};

describe('ProgrammesService', () => {
  const alice = userPrincipal('oid-alice');
  let downstreams: FakeDownstreamClient;
  let service: ProgrammesService;

  beforeEach(() => {
    downstreams = new FakeDownstreamClient();
    service = new ProgrammesService(downstreams.asClient());
  });

  it('calls program-service on behalf of the user for every programme operation', async () => {
    downstreams.answer(async () => ({ data: PROGRAMME }));
    await service.list(alice, 'submitted');
    await service.get(alice, PROGRAMME.id);
    await service.create(alice, {
      name: 'n',
      lineOfBusiness: 'cyber',
      region: 'eu',
      insuredValue: 1,
      currency: 'EUR',
    });
    await service.update(alice, PROGRAMME.id, { name: 'renamed' });
    await service.submit(alice, PROGRAMME.id);
    await service.approve(alice, PROGRAMME.id);
    expect(downstreams.calls.map((c) => [c.downstream, c.as, c.method, c.path])).toEqual([
      ['PROGRAM', 'user:oid-alice', 'GET', '/programmes'],
      ['PROGRAM', 'user:oid-alice', 'GET', `/programmes/${PROGRAMME.id}`],
      ['PROGRAM', 'user:oid-alice', 'POST', '/programmes'],
      ['PROGRAM', 'user:oid-alice', 'PATCH', `/programmes/${PROGRAMME.id}`],
      ['PROGRAM', 'user:oid-alice', 'POST', `/programmes/${PROGRAMME.id}/submit`],
      ['PROGRAM', 'user:oid-alice', 'POST', `/programmes/${PROGRAMME.id}/approve`],
    ]);
    expect(downstreams.calls[0]!.options.query).toEqual({ status: 'submitted' });
    expect(downstreams.calls[3]!.body).toEqual({ name: 'renamed' });
  });

  it("prices a programme in one call: the programme on behalf of the user, then the quote as the app, from the programme's terms", async () => {
    downstreams.answer(async (call) => ({ data: call.downstream === 'PROGRAM' ? PROGRAMME : QUOTE }));
    await expect(service.quote(alice, PROGRAMME.id)).resolves.toEqual({ programme: PROGRAMME, quote: QUOTE });
    expect(downstreams.calls.map((c) => [c.downstream, c.as, c.method, c.path, c.body])).toEqual([
      ['PROGRAM', 'user:oid-alice', 'GET', `/programmes/${PROGRAMME.id}`, undefined],
      [
        'PRICING',
        'app',
        'POST',
        '/quotes',
        { lineOfBusiness: 'property', region: 'uk', insuredValue: 25_000_000 },
      ],
    ]);
  });

  it('never asks pricing-service when program-service refuses the programme', async () => {
    const hidden = new TokenBrokerError({
      code: 'not_found',
      status: 404,
      detail: 'No programme with this id.',
    });
    downstreams.answer(async () => {
      throw hidden;
    });
    await expect(service.quote(alice, PROGRAMME.id)).rejects.toBe(hidden);
    expect(downstreams.calls.map((c) => c.downstream)).toEqual(['PROGRAM']);
  });

  it('encodes the id into a single path segment', async () => {
    await service.get(alice, 'a b');
    expect(downstreams.calls[0]!.path).toBe('/programmes/a%20b');
  });
});
