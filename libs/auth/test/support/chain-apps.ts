import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { DownstreamClient } from '../../src/downstream/downstream.client';
import { TokenBrokerModule } from '../../src/token-broker/token-broker.module';
import type { TokenBrokerOptions } from '../../src/token-broker/token-broker.options';
import { AuthModule } from '../../src/validation/auth.module';
import type { AuthModuleOptions } from '../../src/validation/auth.options';
import { Principal } from '../../src/validation/principal';
import { useAdopterPlumbing } from './adopter-plumbing';
import { BFF_CLIENT_ID, type BrokerEmulator, TENANT_ID } from './broker-emulator';

/** A Nest app listening on a loopback port. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** What the validation side of an app needs to trust the emulator's tokens for `audiences`. */
export function emulatorAuth(
  env: BrokerEmulator,
  audiences: string[],
  extra: Partial<AuthModuleOptions> = {},
) {
  return {
    issuers: [`${env.emulator.publicUrl}/${TENANT_ID}/v2.0`],
    jwksUri: `${env.emulator.publicUrl}/${TENANT_ID}/discovery/v2.0/keys`,
    jwksCaPem: env.emulator.caPem,
    audiences,
    // Tests poll a JWKS after each rotation; the production limit (10/min) is about a real IdP.
    jwksRequestsPerMinute: 1_000,
    ...extra,
  } satisfies AuthModuleOptions;
}

async function listen(module: unknown): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module as never] }).compile();
  const app = useAdopterPlumbing(moduleRef.createNestApplication({ logger: false }));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

@Controller()
class WhoAmIController {
  @Get('whoami')
  whoami(@Principal() principal: Principal): { oid: string; kind: string } {
    return { oid: principal.oid, kind: principal.kind };
  }
}

/** A downstream API: validates the emulator's tokens for `audiences` and answers `GET /whoami`. */
export async function startDownstreamApp(auth: AuthModuleOptions): Promise<RunningApp> {
  @Module({ imports: [AuthModule.forRoot(auth)], controllers: [WhoAmIController] })
  class DownstreamAppModule {}
  return listen(DownstreamAppModule);
}

@Controller()
class BffController {
  constructor(private readonly downstreams: DownstreamClient) {}

  /** The caller, as this app validated it (no downstream call). */
  @Get('me')
  me(@Principal() principal: Principal): { oid: string } {
    return { oid: principal.oid };
  }

  /** On behalf of the user, to downstream PROGRAM. */
  @Get('programme')
  async programme(@Principal() principal: Principal): Promise<unknown> {
    return (await this.downstreams.forUser('PROGRAM', principal).get('/whoami')).data;
  }

  /** As the app (client credentials), to downstream PRICING. */
  @Get('price')
  async price(): Promise<unknown> {
    return (await this.downstreams.forApp('PRICING').get('/whoami')).data;
  }
}

/** A BFF: validates the SPA's tokens like the real one, and calls PROGRAM (OBO) and PRICING (CC). */
export async function startBffApp(env: BrokerEmulator, broker: TokenBrokerOptions): Promise<RunningApp> {
  @Module({
    imports: [
      AuthModule.forRoot(emulatorAuth(env, [BFF_CLIENT_ID, 'api://bff'])),
      TokenBrokerModule.forRoot(broker),
    ],
    controllers: [BffController],
  })
  class BffAppModule {}
  return listen(BffAppModule);
}
