import { RequestContext } from '@chain/auth';
import type { HopRecord } from '@chain/contracts';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { firstValueFrom, type Observable, of, throwError } from 'rxjs';

import { ChainTraceInterceptor } from './chain-trace.interceptor';

const HOP: HopRecord = {
  from: 'documents-service',
  to: 'PROGRAM',
  flow: 'on-behalf-of',
  method: 'GET',
  path: '/programmes/p1',
  status: 404,
  durationMs: 3,
  token: {
    source: 'token-service',
    acquireMs: 2,
    claims: { aud: 'api://program-service', scp: 'Program.Read' },
  },
};

function run(handler: (hops: HopRecord[]) => Observable<unknown>): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = { headersSent: false, setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ExecutionContext;
  const hops: HopRecord[] = [];
  const next: CallHandler = { handle: () => handler(hops) };
  return RequestContext.run({ correlationId: 'c1', hops }, () =>
    firstValueFrom(new ChainTraceInterceptor().intercept(context, next)).then(
      () => headers,
      () => headers,
    ),
  );
}

const decoded = (header: string | undefined): unknown =>
  JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8'));

describe('ChainTraceInterceptor', () => {
  it('returns the hops recorded while the handler ran', async () => {
    const headers = await run((hops) => {
      hops.push(HOP);
      return of('done');
    });
    expect(decoded(headers['x-chain-trace'])).toEqual([HOP]);
  });

  it('returns them on a failed request too (the second hop that said 404)', async () => {
    const headers = await run((hops) => {
      hops.push(HOP);
      return throwError(() => new Error('not found'));
    });
    expect(decoded(headers['x-chain-trace'])).toEqual([HOP]);
  });
});
