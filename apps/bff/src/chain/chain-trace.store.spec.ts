import { type ChainTrace, ChainTraceStore, MAX_TRACED_USERS, TRACES_PER_USER } from './chain-trace.store';

const trace = (n: number): ChainTrace => ({
  correlationId: `c-${n}`,
  method: 'GET',
  path: '/api/programmes',
  status: 200,
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  hops: [],
});

describe('ChainTraceStore', () => {
  it("keeps each user's last 20 traces, newest first, and nobody else's", () => {
    const store = new ChainTraceStore();
    for (let n = 1; n <= 25; n++) store.record('alice', trace(n));
    store.record('bob', trace(100));
    const alice = store.list('alice');
    expect(alice).toHaveLength(TRACES_PER_USER);
    expect(alice[0]!.correlationId).toBe('c-25');
    expect(alice[TRACES_PER_USER - 1]!.correlationId).toBe('c-6');
    expect(store.list('bob').map((t) => t.correlationId)).toEqual(['c-100']);
    expect(store.list('carol')).toEqual([]);
  });

  it('forgets the least recently active user beyond its bound', () => {
    const store = new ChainTraceStore();
    for (let u = 0; u <= MAX_TRACED_USERS; u++) store.record(`user-${u}`, trace(u));
    expect(store.list('user-0')).toEqual([]);
    expect(store.list(`user-${MAX_TRACED_USERS}`)).toHaveLength(1);
  });
});
