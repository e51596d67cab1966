import { createServer, type Server } from 'node:http';
import { type AddressInfo, createConnection, createServer as createTcpServer, type Socket } from 'node:net';

import { Test } from '@nestjs/testing';

import { DownstreamClient } from '../../src/downstream/downstream.client';
import { TokenBrokerEvents } from '../../src/token-broker/token-broker.events';
import { TokenBrokerModule } from '../../src/token-broker/token-broker.module';
import type { TokenBrokerOptions } from '../../src/token-broker/token-broker.options';
import { type BrokerPrincipal, TokenBroker } from '../../src/token-broker/token-broker.service';
import { BFF_CLIENT_ID, BFF_SECRET, type BrokerEmulator } from './broker-emulator';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** A broker booted through `TokenBrokerModule.forRoot` like an app would. */
export interface BrokerRig {
  readonly broker: TokenBroker;
  readonly client: DownstreamClient;
  readonly events: TokenBrokerEvents;
  close(): Promise<void>;
}

/** bff's options against the test emulator; downstream base URLs point at `echoUrl`. */
export function bffOptions(
  env: BrokerEmulator,
  echoUrl: string,
  overrides: Partial<TokenBrokerOptions> = {},
): TokenBrokerOptions {
  return {
    authority: env.authority,
    knownAuthorities: env.knownAuthorities,
    clientId: BFF_CLIENT_ID,
    serviceName: 'bff',
    credential: { kind: 'secret', secret: BFF_SECRET },
    tokenServiceCaPem: env.emulator.caPem,
    // The emulator shares this process (and a small, busy CI core) with 200-call bursts; the
    // production default of 5 s is about Entra, not about a saturated test event loop.
    tokenServiceTimeoutMs: 30_000,
    downstreams: {
      PROGRAM: {
        baseUrl: echoUrl,
        flow: 'on-behalf-of',
        scopes: ['api://program-service/Program.ReadWrite'],
      },
      PRICING: { baseUrl: echoUrl, flow: 'client-credentials', scopes: ['api://pricing-service/.default'] },
    },
    ...overrides,
  };
}

export async function startBroker(options: TokenBrokerOptions): Promise<BrokerRig> {
  const moduleRef = await Test.createTestingModule({
    imports: [TokenBrokerModule.forRoot(options)],
  }).compile();
  await moduleRef.init();
  return {
    broker: moduleRef.get(TokenBroker),
    client: moduleRef.get(DownstreamClient),
    events: moduleRef.get(TokenBrokerEvents),
    close: () => moduleRef.close(),
  };
}

/** The principal the validation side would build from a verified token (decode only; tests trust the emulator). */
export function principalOf(token: string): BrokerPrincipal {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp: number;
    idtyp?: string;
    scp?: string;
  };
  return { kind: payload.scp ? 'user' : 'app', expiresAt: payload.exp, rawToken: () => token };
}

/** A loopback downstream that answers with the claims of the bearer token it received. */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const payload = token.split('.')[1];
    const claims = payload
      ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)
      : {};
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        oid: claims['oid'],
        aud: claims['aud'],
        path: req.url,
        correlationId: req.headers['x-correlation-id'],
        traceparent: req.headers.traceparent,
      }),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A TCP proxy in front of Redis that a test can kill, standing in for "Redis went away". */
export async function startRedisProxy(
  target = new URL(REDIS_URL),
): Promise<{ url: string; kill(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = createConnection(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      }),
  };
}
