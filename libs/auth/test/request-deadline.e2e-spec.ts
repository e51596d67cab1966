import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { EmulatorAdmin } from '@chain/testing';
import request from 'supertest';

import {
  type BrokerEmulator,
  PRICING_CLIENT_ID,
  PROGRAM_CLIENT_ID,
  startBrokerEmulator,
  type TestUser,
} from './support/broker-emulator';
import { bffOptions } from './support/broker-rig';
import { emulatorAuth, type RunningApp, startBffApp, startDownstreamApp } from './support/chain-apps';

/** The BFF's time budget per request in this suite (the default is 12 s). */
const DEADLINE_MS = 3_000;
/** Latency of the slow token service: longer than one attempt may wait (2 s). */
const SLOW_MS = 3_000;

/*
 * One deadline per incoming request, against the in-process emulator's fault injection: a BFF whose
 * token acquisitions and downstream calls share a 3-second budget, calling a downstream API by
 * on-behalf-of (PROGRAM) and client credentials (PRICING).
 */
describe('one deadline per request (emulator fault injection)', () => {
  let env: BrokerEmulator;
  let admin: EmulatorAdmin;
  let api: RunningApp;
  let bff: RunningApp;
  let userToken: string;
  /** When the emulator has answered the last request it holds open (a slow one). */
  let emulatorIdleAt = 0;

  beforeAll(async () => {
    env = await startBrokerEmulator(1);
    admin = new EmulatorAdmin(env.emulator.publicUrl, env.emulator.caPem);
    api = await startDownstreamApp(
      emulatorAuth(env, [
        PROGRAM_CLIENT_ID,
        'api://program-service',
        PRICING_CLIENT_ID,
        'api://pricing-service',
      ]),
    );
    bff = await startBffApp(
      env,
      bffOptions(env, api.url, { requestDeadlineMs: DEADLINE_MS, tokenServiceTimeoutMs: 2_000 }),
    );
    userToken = await env.signIn(env.users[0] as TestUser);
  });
  afterEach(async () => admin.clearFaults());
  afterAll(async () => {
    // The emulator holds each slow request open for SLOW_MS; let it answer them, so nothing outlives the suite.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, emulatorIdleAt - Date.now())));
    await bff?.close();
    await api?.close();
    await env?.stop();
  });

  const timedGet = async (path: string) => {
    const started = Date.now();
    const res = await request(bff.app.getHttpServer()).get(path).set('authorization', `Bearer ${userToken}`);
    return { res, elapsedMs: Date.now() - started };
  };

  it('answers 503 with Retry-After before the deadline when the token service is slow', async () => {
    await admin.injectFault({ match: { grant: 'client_credentials' }, latencyMs: SLOW_MS });
    emulatorIdleAt = Date.now() + DEADLINE_MS + SLOW_MS;
    const { res, elapsedMs } = await timedGet('/price');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'token_service_unavailable' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(elapsedMs).toBeLessThanOrEqual(DEADLINE_MS);
    expect(elapsedMs).toBeGreaterThanOrEqual(2_000); // it did wait for the token service, then retried
  });

  it("remembers the token service's Retry-After: later requests fail fast with it, cached tokens keep serving", async () => {
    expect((await timedGet('/price')).res.status).toBe(200); // the app token is now cached
    await admin.injectFault({
      match: { grant: 'on_behalf_of' },
      status: 429,
      retryAfterSeconds: 30,
      count: 1,
    });
    await admin.resetTokenRequests();

    const throttled = await timedGet('/programme');
    expect(throttled.res.status).toBe(503);
    expect(throttled.res.headers['retry-after']).toBe('30');
    expect(throttled.elapsedMs).toBeLessThanOrEqual(DEADLINE_MS);

    const during = await timedGet('/programme');
    expect(during.res.status).toBe(503);
    expect(Number(during.res.headers['retry-after'])).toBeGreaterThanOrEqual(28);
    expect(Number(during.res.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect((await admin.tokenRequests()).total).toBe(1); // the second request never reached it

    const cached = await timedGet('/price');
    expect(cached.res.status).toBe(200);
    expect((await admin.tokenRequests()).total).toBe(1);
  });

  it('answers 504 with Retry-After before the deadline when a downstream stalls (its own timeout is longer)', async () => {
    const stalled: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const stalledUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    const slowBff = await startBffApp(
      env,
      bffOptions(env, stalledUrl, { requestDeadlineMs: DEADLINE_MS, tokenServiceTimeoutMs: 2_000 }),
    );
    try {
      const started = Date.now();
      const res = await request(slowBff.app.getHttpServer())
        .get('/price')
        .set('authorization', `Bearer ${userToken}`);
      const elapsedMs = Date.now() - started;
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ code: 'downstream_timeout', downstream: 'PRICING' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(elapsedMs).toBeLessThanOrEqual(DEADLINE_MS);
    } finally {
      await slowBff.close();
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});
