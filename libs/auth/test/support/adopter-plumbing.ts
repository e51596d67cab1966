import { randomUUID } from 'node:crypto';

import { ChainErrorFilter, RequestContext } from '@chain/auth';
import type { INestApplication } from '@nestjs/common';

/**
 * What an app that adopts @chain/auth without @chain/platform registers itself (docs/auth.md): the
 * filter that renders ChainErrors as problem+json and a request context, so that the broker shares one
 * deadline per request and the downstream client records its hops. (Apps of the chain get both from
 * `PlatformModule.forRoot({ problemDetails, requestContext })`.)
 */
export function useAdopterPlumbing<T extends INestApplication>(app: T): T {
  app.useGlobalFilters(new ChainErrorFilter());
  app.use((_req: unknown, _res: unknown, next: () => void) =>
    RequestContext.run({ correlationId: randomUUID(), receivedAtMs: Date.now(), hops: [] }, next),
  );
  return app;
}
