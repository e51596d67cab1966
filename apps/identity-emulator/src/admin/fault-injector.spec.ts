import { FaultInjector, parseFaultHeader } from './fault-injector';

describe('fault injection', () => {
  it('parses the fault-inject header forms and ignores anything else', () => {
    expect(parseFaultHeader('429;retry-after=5')).toEqual({ status: 429, retryAfterSeconds: 5 });
    expect(parseFaultHeader('503')).toEqual({ status: 503, retryAfterSeconds: undefined });
    expect(parseFaultHeader('latency=250')).toEqual({ latencyMs: 250 });
    expect(parseFaultHeader('drop')).toEqual({ drop: true });
    expect(parseFaultHeader('200')).toBeUndefined();
    expect(parseFaultHeader('please')).toBeUndefined();
  });

  it('applies a rule only to matching token requests and only for its count', () => {
    const faults = new FaultInjector();
    faults.add({ match: { grant: 'client_credentials', clientId: 'ABC' }, status: 503, count: 2 });
    expect(faults.take({ endpoint: 'token', grant: 'on_behalf_of', clientId: 'abc' })).toBeUndefined();
    expect(faults.take({ endpoint: 'keys' })).toBeUndefined();
    expect(faults.take({ endpoint: 'token', grant: 'client_credentials', clientId: 'abc' })?.status).toBe(
      503,
    );
    expect(faults.take({ endpoint: 'token', grant: 'client_credentials', clientId: 'abc' })?.status).toBe(
      503,
    );
    expect(faults.take({ endpoint: 'token', grant: 'client_credentials', clientId: 'abc' })).toBeUndefined();
  });
});
