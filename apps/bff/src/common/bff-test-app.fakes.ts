import { DownstreamClient } from '@chain/auth';
import { configureApp, PlatformModule, ProblemDetailsFilter } from '@chain/platform';
import type { INestApplication, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';

import { bffConfig } from '../config/bff.config';
import { DocumentsService } from '../documents/documents.service';
import { ProgrammesService } from '../programmes/programmes.service';
import { DownstreamProblemInterceptor } from './downstream-problem.interceptor';
import { FakeDownstreamClient, userPrincipal } from './downstream-test.fakes';
import { IdempotencyModule } from './idempotency/idempotency.module';

/** A BFF controller over HTTP with a faked downstream, and what it takes to drive it. */
export interface BffTestApp {
  readonly app: INestApplication;
  readonly downstreams: FakeDownstreamClient;
  close(): Promise<void>;
}

/**
 * Boots `controllers` with the BFF's request pipeline minus the JWT guard: the platform's body parsers and
 * ValidationPipe (`configureApp`, `PlatformModule`), the problem+json filter, the downstream-problem relay
 * and the idempotency store; a middleware puts `oid`'s principal on every request (the guard is libs/auth's,
 * covered by the e2e suites). Downstream calls go to a {@link FakeDownstreamClient}.
 */
export async function startBffTestApp(
  controllers: Type<unknown>[],
  options: { oid?: (req: Request) => string; maxUploadBytes?: number } = {},
): Promise<BffTestApp> {
  const downstreams = new FakeDownstreamClient();
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ name: 'bff-test', logLevel: 'silent' }), IdempotencyModule],
    controllers,
    providers: [
      ProgrammesService,
      DocumentsService,
      { provide: DownstreamClient, useValue: downstreams },
      { provide: bffConfig.KEY, useValue: { DOCUMENTS_MAX_BYTES: options.maxUploadBytes ?? 64 * 1024 } },
      { provide: APP_INTERCEPTOR, useClass: DownstreamProblemInterceptor },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureApp(app, { name: 'bff-test' });
  app.use((req: Request, _res: Response, next: NextFunction) => {
    (req as Request & { user: unknown }).user = userPrincipal(options.oid?.(req) ?? 'oid-alice');
    next();
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.init();
  return { app, downstreams, close: () => app.close() };
}
