import { EmulatorAdmin } from '@chain/testing';
import request from 'supertest';

import { TokenBrokerEvents } from '../src/token-broker/token-broker.events';
import { TokenBroker } from '../src/token-broker/token-broker.service';
import {
  type BrokerEmulator,
  countFor,
  PRICING_CLIENT_ID,
  PROGRAM_CLIENT_ID,
  startBrokerEmulator,
} from './support/broker-emulator';
import { bffOptions, principalOf } from './support/broker-rig';
import { emulatorAuth, type RunningApp, startBffApp, startDownstreamApp } from './support/chain-apps';

/** How long program-service trusts a fetched signing key (its JWKS cache window). */
const PROGRAM_KEY_WINDOW_MS = 1_000;

/*
 * Signing-key rollover through a BFF and two downstream APIs, all validating the in-process emulator's
 * real tokens, the emulator rotating its keys through its admin endpoints. The BFF trusts a fetched key
 * for the default 10 minutes, program-service for one second: the window in which a cached downstream
 * token signed by a retired key is refused downstream while the BFF still accepts its caller.
 */
describe('signing-key rollover (emulator rotate/retire)', () => {
  let env: BrokerEmulator;
  let admin: EmulatorAdmin;
  let program: RunningApp;
  let strict: RunningApp;
  let bff: RunningApp;
  const alice = { username: 'alice@contoso-brokers.onmicrosoft.com', password: 'Passw0rd!alice', oid: '' };

  beforeAll(async () => {
    env = await startBrokerEmulator(0);
    admin = new EmulatorAdmin(env.emulator.publicUrl, env.emulator.caPem);
    program = await startDownstreamApp(
      emulatorAuth(env, [PROGRAM_CLIENT_ID, 'api://program-service'], {
        jwksCacheMaxAgeMs: PROGRAM_KEY_WINDOW_MS,
      }),
    );
    // A downstream that refuses every token of the BFF (it expects another audience).
    strict = await startDownstreamApp(emulatorAuth(env, ['api://another-api']));
    bff = await startBffApp(
      env,
      bffOptions(env, program.url, {
        downstreams: {
          PROGRAM: {
            baseUrl: program.url,
            flow: 'on-behalf-of',
            scopes: ['api://program-service/Program.ReadWrite'],
          },
          PRICING: {
            baseUrl: strict.url,
            flow: 'client-credentials',
            scopes: ['api://pricing-service/.default'],
          },
        },
      }),
    );
  });
  afterAll(async () => {
    await bff?.close();
    await program?.close();
    await strict?.close();
    await env?.stop();
  });

  const rotate = async (action: 'add' | 'activate' | 'retire', kid?: string) =>
    (await admin.rotateKeys({ action, ...(kid ? { kid } : {}) })) as {
      kid: string;
      keys: { kid: string; status: string }[];
    };
  const getAs = (path: string, token: string) =>
    request(bff.app.getHttpServer()).get(path).set('authorization', `Bearer ${token}`);

  it('evicts a cached on-behalf-of token the downstream refuses after its key is retired, acquires once more and retries once', async () => {
    // The user's token signed by K2, the downstream token (cached) by K1; then K1 is retired.
    const added = await rotate('add');
    const k1 = added.keys.find((k) => k.status === 'active')!.kid;
    const k2 = added.kid;
    await rotate('activate', k2);
    const userToken = await env.signIn(alice);
    await rotate('activate', k1);
    expect((await getAs('/programme', userToken)).status).toBe(200);
    const broker = bff.app.get(TokenBroker);
    const cached = await broker.forUser('PROGRAM', principalOf(userToken));
    expect(cached.source).toBe('cache');
    expect(kidOf(cached.accessToken)).toBe(k1);

    await rotate('activate', k2);
    await rotate('retire', k1);
    // Wait for the event: program-service refuses the cached token once its key window has passed.
    const retiredAt = Date.now();
    while ((await whoami(program, cached.accessToken)) !== 401 && Date.now() - retiredAt < 10_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await whoami(program, cached.accessToken)).toBe(401);

    const evicted: unknown[] = [];
    bff.app.get(TokenBrokerEvents).on('evicted', (e) => evicted.push(e));
    await env.resetTokenRequests();
    const after = await getAs('/programme', userToken);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ kind: 'user' });
    expect(evicted).toEqual([{ downstream: 'PROGRAM', flow: 'on-behalf-of', reason: 'refused' }]);
    expect(countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID)).toBe(1);
    const replaced = await broker.forUser('PROGRAM', principalOf(userToken));
    expect(replaced).toMatchObject({ source: 'cache' });
    expect(kidOf(replaced.accessToken)).toBe(k2);
    expect((await getAs('/programme', userToken)).status).toBe(200);
    expect(countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID)).toBe(1);
  });

  it("answers 401 invalid_token, not 502, when the token service refuses the user's token signed by a retired key", async () => {
    const userToken = await env.signIn(alice);
    expect((await getAs('/me', userToken)).status).toBe(200);
    const signedBy = kidOf(userToken);
    const { kid: next } = await rotate('add');
    await rotate('activate', next);
    await rotate('retire', signedBy);
    // The BFF still trusts the retired key (its 10-minute window); the token service does not.
    const res = await getAs('/programme', userToken);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'token_assertion_rejected' });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 502, never a 401 that blames the caller, when a downstream refuses the new token too', async () => {
    const userToken = await env.signIn(alice);
    await env.resetTokenRequests();
    const first = await getAs('/price', userToken); // a fresh token, refused: no retry
    const second = await getAs('/price', userToken); // the cached one, refused: one retry, refused again
    for (const res of [first, second]) {
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'downstream_unauthorized', downstreamStatus: 401 });
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    expect(countFor(await env.tokenRequests(), 'client_credentials', PRICING_CLIENT_ID)).toBe(2);
  });
});

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
}

async function whoami(app: RunningApp, token: string): Promise<number> {
  return (await request(app.app.getHttpServer()).get('/whoami').set('authorization', `Bearer ${token}`))
    .status;
}
