import { type Chain, findJwts, type SignedIn, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { traceOf } from './support/chain-trace';
import { DELEGATES, USER_FLOW } from './support/identity-mode';
import { stopAndScanLogs } from './support/log-leaks';
import { createProgramme, type Programme, submittedProgramme } from './support/programmes';
import { printable, storesAnswer, ThrowawayDatabase, TokenCacheRedis } from './support/shared-stores';
import { POSTGRES_URL, REDIS_URL } from './support/stores.config';

interface QuoteAnswer {
  readonly programme: Programme;
  readonly quote: Record<string, unknown>;
}

const stores = storesAnswer();
if (!stores.ok) {
  process.stdout.write(
    `chain shared stores: skipped — needs PostgreSQL at ${printable(POSTGRES_URL)} and Redis at ${printable(REDIS_URL)} (${stores.reason})\n`,
  );
}

(stores.ok ? describe : describe.skip)(
  'the chain on PostgreSQL and a Redis token cache shared by two BFF replicas',
  () => {
    const database = new ThrowawayDatabase();
    const redis = new TokenCacheRedis();
    let chain: Chain;
    let alice: ApiClient;
    let umaSession: SignedIn;

    beforeAll(async () => {
      await Promise.all([database.create(), redis.clear()]);
      chain = await startChain({
        label: 'chain-stores',
        databaseUrl: database.url,
        redisUrl: redis.url,
      });
      alice = new ApiClient(chain.url('bff'), await signIn(chain, 'alice'));
      umaSession = await signIn(chain, 'uma');
    });

    afterAll(async () => {
      await chain?.stop();
      await Promise.all([database.drop(), redis.close()]);
    });

    it("keeps alice's new programme in PostgreSQL", async () => {
      const created = await createProgramme(alice, 'Northwind depots 2027');
      const rows = await database.query<{ name: string; brokerage: string }>(
        'SELECT name, brokerage FROM programmes WHERE id = $1',
        [created.id],
      );
      expect(rows).toEqual([{ name: 'Northwind depots 2027', brokerage: 'Northwind' }]);
    });

    it('serves a second BFF replica from the tokens the first one put in Redis, without asking the emulator', async () => {
      const programme = await submittedProgramme(alice, 'Northwind silos 2027');
      const first = new ApiClient(chain.url('bff'), umaSession);
      expect((await first.get(`/api/programmes/${programme.id}/quote`)).status).toBe(200);

      const second = new ApiClient(await chain.startReplica('bff'), umaSession);
      await chain.admin.resetTokenRequests();
      const res = await second.get<QuoteAnswer>(`/api/programmes/${programme.id}/quote`);
      expect(res.status).toBe(200);
      expect(res.body.programme.id).toBe(programme.id);
      expect((await chain.admin.tokenRequests()).total).toBe(0);
      const { hops } = await traceOf(second, res.headers.get('x-correlation-id'));
      expect(hops.map((h) => h.flow).sort()).toEqual(['client-credentials', USER_FLOW].sort());
      expect(hops.every((h) => h.token.source !== 'token-service')).toBe(true);
    });

    it('stores the tokens in Redis sealed, under keys that carry names and hashes only', async () => {
      const keys = await redis.keys();
      const bff = chain.clientId('bff');
      expect(keys).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`:${bff}:PROGRAM:${DELEGATES ? 'client-credentials' : 'on-behalf-of'}:`),
          expect.stringContaining(`:${bff}:PRICING:client-credentials:`),
        ]),
      );
      const values = await redis.values(keys.filter((k) => !k.endsWith(':lease')));
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(findJwts([...keys, ...values].join('\n'))).toEqual([]);
    });

    it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
      const scan = await stopAndScanLogs(chain);
      expect(scan.logs).toContain('bff-2.log');
      expect(scan.leaks).toEqual([]);
    });
  },
);
