import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { trace } from '@opentelemetry/api';

import { ChainAttribute, ChainMetric } from './chain.metrics';
import { downstreamHttpHooks, DownstreamResolver } from './downstream-http.hooks';
import { TelemetryRig } from './telemetry-test.fakes';

describe('DownstreamResolver', () => {
  const resolver = new DownstreamResolver({
    PROGRAM: 'http://127.0.0.1:3001',
    DOCUMENTS: 'http://gateway.test/documents/',
    PRICING: 'http://gateway.test/',
  });

  it('names a request by the downstream whose base URL it falls under', () => {
    expect(resolver.nameOf(new URL('http://127.0.0.1:3001/programmes/p-1?x=1'))).toBe('PROGRAM');
    expect(resolver.nameOf(new URL('http://gateway.test/documents/d-1'))).toBe('DOCUMENTS');
    expect(resolver.nameOf(new URL('http://gateway.test/quotes'))).toBe('PRICING');
  });

  it('names no request to another origin or under another path', () => {
    expect(resolver.nameOf(new URL('https://127.0.0.1:3001/programmes'))).toBeUndefined();
    expect(resolver.nameOf(new URL('http://127.0.0.1:3002/quotes'))).toBeUndefined();
    expect(
      new DownstreamResolver({ DOCUMENTS: 'http://gateway.test/documents' }).nameOf(
        new URL('http://gateway.test/documentsx'),
      ),
    ).toBeUndefined();
  });
});

describe('downstream HTTP hooks', () => {
  let telemetry: TelemetryRig;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => {
    telemetry = new TelemetryRig();
  });

  afterEach(() => telemetry.close());

  /** A request the way the http instrumentation would see it: options first, then the ClientRequest. */
  function call(path: string, hooks: ReturnType<typeof downstreamHttpHooks>): Promise<void> {
    const url = new URL(path, base);
    const options = { protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname };
    expect(hooks.startOutgoingSpanHook(options)).toEqual({ [ChainAttribute.Downstream]: 'PROGRAM' });
    return new Promise((resolve, reject) => {
      const req = httpRequest(options, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      hooks.requestHook(
        trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
        req,
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('records the duration of each downstream call in seconds, by downstream, method and status', async () => {
    const hooks = downstreamHttpHooks(new DownstreamResolver({ PROGRAM: base }), () => telemetry.metrics);
    await call('/programmes', hooks);
    await call('/missing', hooks);
    await new Promise((resolve) => setImmediate(resolve));

    const points = await telemetry.points(ChainMetric.DownstreamDuration);
    expect(
      points.map((p) => [
        p.attributes[ChainAttribute.Downstream],
        p.attributes[ChainAttribute.HttpMethod],
        p.attributes[ChainAttribute.HttpStatus],
        p.count,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['PROGRAM', 'GET', 200, 1],
        ['PROGRAM', 'GET', 404, 1],
      ]),
    );
    expect(points).toHaveLength(2);
    expect(points.every((p) => p.value > 0 && p.value < 5)).toBe(true);
  });

  it('records a call that got no answer by its error', async () => {
    const hooks = downstreamHttpHooks(
      new DownstreamResolver({ PROGRAM: 'http://127.0.0.1:9' }),
      () => telemetry.metrics,
    );
    await new Promise<void>((resolve) => {
      const req = httpRequest({ hostname: '127.0.0.1', port: 9, path: '/programmes' });
      hooks.requestHook(
        trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
        req,
      );
      req.on('error', () => resolve());
      req.end();
    });

    const [point] = await telemetry.points(ChainMetric.DownstreamDuration);
    expect(point?.attributes).toEqual({
      [ChainAttribute.Downstream]: 'PROGRAM',
      [ChainAttribute.HttpMethod]: 'GET',
      [ChainAttribute.ErrorType]: 'ECONNREFUSED',
    });
  });
});
