import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Chain, freePort, type SignedIn, signIn, startChain } from '@chain/testing';
import Redis from 'ioredis';

import { type TimedAnswer, timedCall, type TimedCallOptions } from './support/bff-api';
import { stopAndScanLogs } from './support/log-leaks';
import { newProgrammeTerms } from './support/programmes';

/** The BFF's time budget per request (`REQUEST_DEADLINE_MS`), short so that the suite is quick. */
const DEADLINE_MS = 4_000;
/** What a loaded machine may add to the deadline: the request's way in and the answer's way out. */
const MARGIN_MS = 1_500;
/** No answer of the BFF may take longer than this, whatever the fault. */
const WITHIN_MS = DEADLINE_MS + MARGIN_MS;
/** A `Retry-After` from the token service longer than the broker waits inside a request (5 s). */
const THROTTLE_SECONDS = 7;
/** How long the emulator holds documents-service's token request: past the BFF's deadline, within documents-service's per-attempt timeout (5 s). */
const STALL_MS = DEADLINE_MS + 500;

/** `redis-server` on this machine: the suite starts a private one, to stop it without touching a shared Redis. */
const REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!REDIS_SERVER)
  process.stdout.write('chain faults: no redis-server on PATH: skipping "Redis stopped" (the rest runs)\n');

/**
 * One suite for the faults an operator meets (docs/token-broker.md "One deadline per request", "Failure
 * mapping"), through the whole chain — every app its own process, real MSAL, the emulator's fault rules
 * and key rotation — with the BFF's request deadline at {@link DEADLINE_MS}. For each fault: the status
 * and code, `Retry-After` where the client should come back, the answer within the deadline, and the write
 * the client retries with the same `Idempotency-Key` stored exactly once (nothing lost, nothing twice).
 */
describe('faults through the chain: one deadline, Retry-After, nothing lost or written twice (entra)', () => {
  let chain: Chain;
  let redis: PrivateRedis | undefined;
  let bffId: string;
  let programmeId: string;

  beforeAll(async () => {
    redis = REDIS_SERVER ? await PrivateRedis.start() : undefined;
    chain = await startChain({
      identityMode: 'entra',
      label: 'chain-faults',
      ...(redis === undefined ? {} : { redisUrl: redis.url }),
      env: { bff: { REQUEST_DEADLINE_MS: String(DEADLINE_MS) } },
    });
    bffId = chain.clientId('bff');
    const created = await call(await signIn(chain, 'alice'), 'POST', '/api/programmes', {
      json: newProgrammeTerms('Fault suite quays'),
    });
    expect(created.status).toBe(201);
    programmeId = String(created.body['id']);
  });

  afterEach(async () => {
    if (chain !== undefined && chain.exitedProcesses().length === 0) await chain.admin.clearFaults();
  });

  afterAll(async () => {
    await chain?.stop();
    await redis?.stop();
  });

  const call = (user: SignedIn, method: string, path: string, options: TimedCallOptions = {}) =>
    timedCall(chain.url('bff'), user, method, path, options);

  /** Token requests the emulator received from the BFF for on-behalf-of (answered or faulted). */
  async function bffOnBehalfOfRequests(): Promise<number> {
    const { byKey } = await chain.admin.tokenRequests();
    return Object.entries(byKey)
      .filter(([key]) => key.startsWith(`on_behalf_of|${bffId}|`))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  function expectUnavailable(answer: TimedAnswer): number {
    expect([answer.status, answer.body['code']]).toEqual([503, 'token_service_unavailable']);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.ms).toBeLessThanOrEqual(WITHIN_MS);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    return retryAfter;
  }

  const namedProgrammes = async (user: SignedIn, name: string): Promise<unknown[]> => {
    const list = await call(user, 'GET', '/api/programmes');
    expect(list.status).toBe(200);
    return (list.body['programmes'] as { name: string }[]).filter((p) => p.name === name);
  };

  /**
   * The client's retry with the same key once the fault has passed (waiting for that: while the token
   * service's `Retry-After` runs, each retry is answered 503 at once), then once more: one programme,
   * the second answer the first one replayed.
   */
  async function expectWrittenOnce(user: SignedIn, terms: Record<string, unknown>, key: string) {
    const since = Date.now();
    let stored = await call(user, 'POST', '/api/programmes', { json: terms, key });
    while (stored.status === 503 && Date.now() - since < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stored = await call(user, 'POST', '/api/programmes', { json: terms, key });
    }
    expect(stored.status).toBe(201);
    expect(stored.ms).toBeLessThanOrEqual(WITHIN_MS);
    const again = await call(user, 'POST', '/api/programmes', { json: terms, key });
    expect([again.status, again.body['id']]).toEqual([201, stored.body['id']]);
    expect(await namedProgrammes(user, String(terms['name']))).toHaveLength(1);
  }

  /** A new programme's terms and the key of the user action that creates it. */
  function newWrite(label: string): { terms: Record<string, unknown>; key: string } {
    const key = randomUUID();
    return { terms: newProgrammeTerms(`${label} ${key.slice(0, 8)}`), key };
  }

  it('token service 503: retried within the deadline, then 503 with Retry-After; the write retried later is stored once', async () => {
    const user = await signIn(chain, 'alice');
    const { terms, key } = newWrite('Token service 503');
    await chain.admin.resetTokenRequests();
    await chain.admin.injectFault({ match: { clientId: bffId }, status: 503 });

    const answer = await call(user, 'POST', '/api/programmes', { json: terms, key });
    expectUnavailable(answer);
    expect(answer.headers.get('retry-after')).toBe('5'); // the service named none: the broker's 5 s
    expect(await bffOnBehalfOfRequests()).toBeGreaterThanOrEqual(2); // it did retry

    await chain.admin.clearFaults();
    await expectWrittenOnce(user, terms, key);
  });

  it("token service 429 with Retry-After: 503 with the service's Retry-After at once, remembered for the next requests while cached tokens keep serving", async () => {
    const warm = await signIn(chain, 'alice');
    expect((await call(warm, 'GET', '/api/programmes')).status).toBe(200); // its token is cached now
    const user = await signIn(chain, 'alice');
    const { terms, key } = newWrite('Token service 429');
    await chain.admin.resetTokenRequests();
    await chain.admin.injectFault({
      match: { clientId: bffId },
      status: 429,
      retryAfterSeconds: THROTTLE_SECONDS,
      count: 1,
    });

    const throttled = await call(user, 'POST', '/api/programmes', { json: terms, key });
    const retryAfter = expectUnavailable(throttled);
    expect(retryAfter).toBeGreaterThan(THROTTLE_SECONDS - 2);
    expect(retryAfter).toBeLessThanOrEqual(THROTTLE_SECONDS);
    expect(await bffOnBehalfOfRequests()).toBe(1); // longer than the broker waits in a request: no retry

    // Another user's request during the pause is not sent to the token service at all.
    const other = await call(await signIn(chain, 'alice'), 'GET', '/api/programmes');
    expect(expectUnavailable(other)).toBeLessThanOrEqual(retryAfter);
    expect(other.ms).toBeLessThan(MARGIN_MS);
    expect(await bffOnBehalfOfRequests()).toBe(1);
    const served = await call(warm, 'GET', '/api/programmes');
    expect(served.status).toBe(200);

    await expectWrittenOnce(user, terms, key);
    expect(await bffOnBehalfOfRequests()).toBe(2);
  });

  it('slow token service (beyond the deadline): 503 with Retry-After when the budget is spent, not after every attempt timed out', async () => {
    const user = await signIn(chain, 'alice');
    const { terms, key } = newWrite('Token service slow');
    await chain.admin.injectFault({ match: { clientId: bffId }, latencyMs: DEADLINE_MS * 3 });

    const answer = await call(user, 'POST', '/api/programmes', { json: terms, key });
    expectUnavailable(answer);
    expect(answer.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 1_000); // it did wait for the token service

    await chain.admin.clearFaults();
    await expectWrittenOnce(user, terms, key);
  });

  it('token service drops the connection: retried, then 503 with Retry-After within the deadline; the write retried later is stored once', async () => {
    const user = await signIn(chain, 'alice');
    const { terms, key } = newWrite('Token service drop');
    await chain.admin.resetTokenRequests();
    await chain.admin.injectFault({ match: { clientId: bffId }, drop: true });

    const answer = await call(user, 'POST', '/api/programmes', { json: terms, key });
    expectUnavailable(answer);
    expect(await bffOnBehalfOfRequests()).toBeGreaterThanOrEqual(2);

    await chain.admin.clearFaults();
    await expectWrittenOnce(user, terms, key);
  });

  it('documents-service stalled: 504 with Retry-After within the deadline; the upload retried with the same key is stored once', async () => {
    const user = await signIn(chain, 'alice');
    const key = randomUUID();
    const file = { name: `stalled-${key.slice(0, 8)}.txt`, bytes: Buffer.from(`schedule ${key}\n`) };
    const path = `/api/programmes/${programmeId}/documents`;
    const documentsNamed = async (): Promise<unknown[]> => {
      const list = await call(user, 'GET', path);
      expect(list.status).toBe(200);
      return (list.body['documents'] as { fileName: string }[]).filter((d) => d.fileName === file.name);
    };
    // Stalled the way a slow token service stalls it: its on-behalf-of request for program-service is held.
    await chain.admin.injectFault({
      match: { clientId: chain.clientId('documents-service') },
      latencyMs: STALL_MS,
      count: 1,
    });

    const first = await call(user, 'POST', path, { file, key });
    expect([first.status, first.body['code']]).toEqual([504, 'downstream_timeout']);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first.ms).toBeLessThanOrEqual(WITHIN_MS);

    // documents-service is still working on the first attempt: the retry is told so (409), then gets its answer.
    const retries: TimedAnswer[] = [];
    do {
      retries.push(await call(user, 'POST', path, { file, key }));
      if (retries.at(-1)!.status === 409) await new Promise((resolve) => setTimeout(resolve, 250));
    } while (retries.at(-1)!.status === 409 && retries.length < 80);
    const answered = retries.at(-1)!;
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ fileName: file.name, size: file.bytes.length });
    expect(retries.slice(0, -1).every((r) => r.body['code'] === 'conflict')).toBe(true);

    const again = await call(user, 'POST', path, { file, key });
    expect([again.status, again.body['id']]).toEqual([201, answered.body['id']]);
    expect(await documentsNamed()).toHaveLength(1);

    const other = await call(user, 'POST', path, {
      file: { ...file, bytes: Buffer.from('another file') },
      key,
    });
    expect([other.status, other.body['code']]).toEqual([422, 'conflict']);
    expect(await documentsNamed()).toHaveLength(1);
  });

  it("signing key retired: the user's token signed by it is answered 401 invalid_token (not 502), and the write after signing in again is stored once", async () => {
    const user = await signIn(chain, 'alice');
    expect((await call(user, 'GET', '/api/me')).status).toBe(200); // the BFF has fetched its key
    const retired = kidOf(user.accessToken);
    const { kid: next } = (await chain.admin.rotateKeys({ action: 'add' })) as { kid: string };
    await chain.admin.rotateKeys({ action: 'activate', kid: next });
    await chain.admin.rotateKeys({ action: 'retire', kid: retired });
    const { terms, key } = newWrite('Key retired');

    // The BFF still trusts the retired key (its key cache); the token service refuses the assertion.
    const refused = await call(user, 'POST', '/api/programmes', { json: terms, key });
    expect([refused.status, refused.body['code']]).toEqual([401, 'token_assertion_rejected']);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.ms).toBeLessThanOrEqual(WITHIN_MS);

    const again = await signIn(chain, 'alice');
    expect(kidOf(again.accessToken)).toBe(next);
    await expectWrittenOnce(again, terms, key);
  });

  (REDIS_SERVER ? it : it.skip)(
    'Redis stopped: cached tokens keep serving, new ones come from the token service, writes are stored once (program-service recognises the key), readiness answers 503',
    async () => {
      const warm = await signIn(chain, 'alice');
      expect((await call(warm, 'GET', '/api/programmes')).status).toBe(200);
      const ready = () => fetch(`${chain.url('bff')}/health/ready`);
      expect((await ready()).status).toBe(200);

      await redis!.stop();

      const served = await call(warm, 'GET', '/api/programmes');
      expect(served.status).toBe(200);
      expect(served.ms).toBeLessThanOrEqual(WITHIN_MS);
      const user = await signIn(chain, 'alice');
      const { terms, key } = newWrite('Redis stopped');
      await expectWrittenOnce(user, terms, key);
      expect((await ready()).status).toBe(503); // out of rotation until Redis is back
    },
  );

  it('leaves no JWT and no client secret in the logs of any process of the run', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toEqual(expect.arrayContaining(['bff.log', 'documents-service.log']));
    expect(scan.leaks).toEqual([]);
  });
});

/** Resolves once Redis at `url` answers PING (a fresh connection every 100 ms, for at most 10 s). */
async function waitForPong(url: string): Promise<void> {
  const since = Date.now();
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() - since > 10_000) throw error;
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The `kid` of a JWT's header. */
function kidOf(token: string): string {
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
    kid?: string;
  };
  return String(header.kid);
}

/** A redis-server of the suite's own on a free loopback port, without persistence; stopped by its pid. */
class PrivateRedis {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'chain-faults-redis-'));
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    const server = new PrivateRedis(`redis://127.0.0.1:${port}`, child, dir);
    try {
      await waitForPong(server.url);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Kills the server (as a crash would: no shutdown handshake with its clients). Idempotent. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
