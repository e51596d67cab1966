import { randomUUID } from 'node:crypto';

import { ConfidentialClientApplication } from '@azure/msal-node';

import { TokenServiceHttpClient } from '../src/token-broker/token-service-http.client';
import {
  BFF_CLIENT_ID,
  BFF_SECRET,
  type BrokerEmulator,
  countFor,
  PRICING_CLIENT_ID,
  PROGRAM_CLIENT_ID,
  signInAll,
  startBrokerEmulator,
} from './support/broker-emulator';
import { bffOptions, type BrokerRig, principalOf, startBroker, startEchoServer } from './support/broker-rig';

/*
 * Real @azure/msal-node against the in-process identity emulator over HTTPS (its CA trusted through the
 * broker's documented `tokenServiceCaPem` option), counting token requests at `/_admin/token-requests`.
 * User tokens come from the emulator's login form (auth code + PKCE, as the SPA gets them).
 */
describe('TokenBroker against the identity emulator', () => {
  let env: BrokerEmulator;
  let echo: { url: string; close(): Promise<void> };
  let tokens: Map<string, string>;
  let rig: BrokerRig | undefined;

  beforeAll(async () => {
    env = await startBrokerEmulator(50);
    echo = await startEchoServer();
    tokens = await signInAll(env, env.users);
  });

  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await env.clearFaults();
  });

  afterAll(async () => {
    await echo.close();
    await env.stop();
  });

  const tokenOf = (i: number): string => tokens.get(env.users[i]!.oid)!;

  it('makes exactly one on-behalf-of token request for 200 concurrent calls of one user, where bare msal-node makes many', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    const alice = principalOf(tokenOf(0));
    await env.resetTokenRequests();
    await Promise.all(Array.from({ length: 200 }, () => rig!.broker.forUser('PROGRAM', alice)));
    expect(countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID)).toBe(1);

    const http = new TokenServiceHttpClient({ timeoutMs: 10_000, caPem: env.emulator.caPem });
    const bare = new ConfidentialClientApplication({
      auth: {
        clientId: BFF_CLIENT_ID,
        authority: env.authority,
        knownAuthorities: env.knownAuthorities,
        clientSecret: BFF_SECRET,
      },
      system: { networkClient: http },
    });
    await env.resetTokenRequests();
    const assertion = tokenOf(1);
    await Promise.all(
      Array.from({ length: 200 }, () =>
        bare.acquireTokenOnBehalfOf({
          oboAssertion: assertion,
          scopes: ['api://program-service/Program.ReadWrite'],
        }),
      ),
    );
    const bareCount = countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID);
    http.destroy();
    process.stdout.write(
      `bare msal-node, 200 concurrent OBO calls of one user: ${bareCount} token requests (broker: 1)\n`,
    );
    expect(bareCount).toBeGreaterThan(1);
  });

  it('makes one token request per user for 20 users calling concurrently', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    await env.resetTokenRequests();
    const principals = Array.from({ length: 20 }, (_, i) => principalOf(tokenOf(i)));
    await Promise.all(
      principals.flatMap((p) => Array.from({ length: 10 }, () => rig!.broker.forUser('PROGRAM', p))),
    );
    expect(countFor(await env.tokenRequests(), 'on_behalf_of', PROGRAM_CLIENT_ID)).toBe(20);
  });

  it('makes one client-credentials token request per downstream for 200 concurrent calls, where bare msal-node makes many', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    await env.resetTokenRequests();
    await Promise.all(Array.from({ length: 200 }, () => rig!.broker.forApp('PRICING')));
    expect(countFor(await env.tokenRequests(), 'client_credentials', PRICING_CLIENT_ID)).toBe(1);

    const http = new TokenServiceHttpClient({ timeoutMs: 10_000, caPem: env.emulator.caPem });
    const bare = new ConfidentialClientApplication({
      auth: {
        clientId: BFF_CLIENT_ID,
        authority: env.authority,
        knownAuthorities: env.knownAuthorities,
        clientSecret: BFF_SECRET,
      },
      system: { networkClient: http },
    });
    await env.resetTokenRequests();
    await Promise.all(
      Array.from({ length: 200 }, () =>
        bare.acquireTokenByClientCredential({ scopes: ['api://pricing-service/.default'] }),
      ),
    );
    const bareCount = countFor(await env.tokenRequests(), 'client_credentials', PRICING_CLIENT_ID);
    http.destroy();
    process.stdout.write(
      `bare msal-node, 200 concurrent client-credentials calls: ${bareCount} token requests (broker: 1)\n`,
    );
    expect(bareCount).toBeGreaterThan(1);
  });

  it('sends every one of 50 concurrent users a downstream token carrying that user’s own oid', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    const calls = env.users.flatMap((user, i) =>
      Array.from({ length: 4 }, async () => {
        const response = await rig!.client
          .forUser('PROGRAM', principalOf(tokenOf(i)))
          .get<{ oid: string; aud: string }>(`/programmes/${i}`);
        return { expected: user.oid, got: response.data.oid, aud: response.data.aud };
      }),
    );
    const results = await Promise.all(calls);
    expect(results).toHaveLength(200);
    for (const r of results) expect(r.got).toBe(r.expected);
    expect(new Set(results.map((r) => r.aud))).toEqual(new Set([PROGRAM_CLIENT_ID]));
  });

  it('never forwards the incoming token downstream', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    const incoming = tokenOf(2);
    const response = await rig.client
      .forUser('PROGRAM', principalOf(incoming))
      .get<{ aud: string }>('/x', { headers: { Authorization: `Bearer ${incoming}` } });
    expect(response.data.aud).toBe(PROGRAM_CLIENT_ID);
  });

  it('turns a step-up the assertion cannot satisfy into 401 insufficient_claims carrying the same claims', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const error: unknown = await rig.broker
      .forUser('PROGRAM', principalOf(tokenOf(4)), { claims })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'claims_challenge', status: 401 });
    const header = (error as { wwwAuthenticate: string }).wwwAuthenticate;
    const sent = /claims="([^"]+)"/.exec(header)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(sent, 'base64').toString('utf8'))).toEqual(JSON.parse(claims));
  });

  it('answers 503 with Retry-After when the token service is throttling', async () => {
    rig = await startBroker(bffOptions(env, echo.url, { maxRetryAfterSeconds: 1 }));
    await env.addFault({ match: { grant: 'on_behalf_of' }, status: 429, retryAfterSeconds: 30 });
    await expect(rig.broker.forUser('PROGRAM', principalOf(tokenOf(3)))).rejects.toMatchObject({
      code: 'token_service_unavailable',
      status: 503,
      retryAfterSeconds: 30,
    });
  });

  it('retries a transient 503 and then succeeds', async () => {
    rig = await startBroker(bffOptions(env, echo.url));
    await env.addFault({
      match: { grant: 'client_credentials' },
      status: 503,
      retryAfterSeconds: 0,
      count: 1,
    });
    await expect(rig.broker.forApp('PRICING')).resolves.toMatchObject({ source: 'token-service' });
    // Two attempts reached the token service: the faulted one (503) and the retry that succeeded.
    expect(rig.events.stats()['PRICING']).toMatchObject({ tokenRequests: 2, tokenRequestFailures: 1 });
  });

  it('maps a wrong client secret to the client_credentials_invalid config error', async () => {
    rig = await startBroker(
      bffOptions(env, echo.url, { credential: { kind: 'secret', secret: `wrong-${randomUUID()}` } }),
    );
    await expect(rig.broker.forApp('PRICING')).rejects.toMatchObject({
      code: 'client_credentials_invalid',
      status: 500,
    });
  });
});
