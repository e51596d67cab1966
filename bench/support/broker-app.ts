import {
  DownstreamClient,
  TokenBroker,
  TokenBrokerEvents,
  TokenBrokerModule,
  type TokenBrokerOptions,
} from '@chain/auth';
import type { Registrations } from '@chain/local-tenant';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { application, BFF_DOWNSTREAMS } from './tenant';

/** A TokenBroker booted through `TokenBrokerModule.forRoot` as the bff boots it (Nest application context). */
export interface BrokerApp {
  readonly broker: TokenBroker;
  readonly client: DownstreamClient;
  readonly events: TokenBrokerEvents;
  close(): Promise<void>;
}

export async function startBrokerApp(options: TokenBrokerOptions): Promise<BrokerApp> {
  @Module({ imports: [TokenBrokerModule.forRoot(options)] })
  class BenchBrokerModule {}
  const app = await NestFactory.createApplicationContext(BenchBrokerModule, { logger: ['error'] });
  return {
    broker: app.get(TokenBroker),
    client: app.get(DownstreamClient),
    events: app.get(TokenBrokerEvents),
    close: () => app.close(),
  };
}

/** Where the bench's broker finds its authority, as the bff's configuration would say it. */
export interface AuthorityTarget {
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly registrations: Registrations;
}

/**
 * The bff's broker options (client id and demo secret from the registrations, the three declared
 * downstreams) with every downstream's base URL at `downstreamUrl`. The emulator's CA is trusted through
 * NODE_EXTRA_CA_CERTS, set by scripts/bench.mjs.
 */
export function bffBrokerOptions(
  target: AuthorityTarget,
  downstreamUrl: string,
  overrides: Partial<TokenBrokerOptions> = {},
): TokenBrokerOptions {
  const bff = application(target.registrations, 'bff');
  const secret = bff.secrets[0]?.value;
  if (secret === undefined) throw new Error('the bff registration has no secret');
  const downstreams = Object.fromEntries(
    Object.entries(BFF_DOWNSTREAMS).map(([name, d]) => [
      name,
      { baseUrl: downstreamUrl, flow: d.flow, scopes: [...d.scopes] },
    ]),
  );
  return {
    authority: target.authority,
    knownAuthorities: target.knownAuthorities,
    clientId: bff.clientId,
    serviceName: 'bff',
    credential: { kind: 'secret', secret },
    downstreams,
    ...overrides,
  };
}

/** The principal the validation side builds from a verified user token (here: decoded, the emulator is trusted). */
export function principalOf(token: string): TokenBroker.ForPrincipal {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp: number;
    scp?: string;
  };
  return { kind: payload.scp ? 'user' : 'app', expiresAt: payload.exp, rawToken: () => token };
}
