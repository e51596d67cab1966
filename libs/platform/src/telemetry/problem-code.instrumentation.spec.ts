import { InsufficientScopeError, InvalidTokenError } from '@chain/auth';
import { type ArgumentsHost, NotFoundException } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';

import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { ChainAttribute, ChainMetric } from './chain.metrics';
import { instrumentProblemCodes } from './problem-code.instrumentation';
import { TelemetryRig } from './telemetry-test.fakes';

/** The part of an Express response the filter uses, recording what was sent. */
class FakeResponse {
  statusCode = 200;
  headersSent = false;
  body: unknown;
  readonly headers: Record<string, string> = {};
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  type(): this {
    return this;
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: unknown): this {
    this.body = body;
    return this;
  }
}

function httpHost(res: FakeResponse): ArgumentsHost {
  const req = { headers: {} };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => res, getRequest: () => req, getNext: () => undefined }),
  } as unknown as ArgumentsHost;
}

describe('problem code instrumentation', () => {
  let telemetry: TelemetryRig;
  let uninstrument: () => void;
  const filter = new ProblemDetailsFilter();

  beforeEach(() => {
    telemetry = new TelemetryRig();
    uninstrument = instrumentProblemCodes(ProblemDetailsFilter, telemetry.metrics);
  });

  afterEach(async () => {
    uninstrument();
    await telemetry.close();
  });

  it('counts 401 and 403 answers by status and problem code', async () => {
    filter.catch(
      new InvalidTokenError('token_expired', 'The token has expired.'),
      httpHost(new FakeResponse()),
    );
    filter.catch(
      new InvalidTokenError('token_expired', 'The token has expired.'),
      httpHost(new FakeResponse()),
    );
    filter.catch(new InsufficientScopeError('scope_missing', 'Needs a scope.'), httpHost(new FakeResponse()));

    const points = await telemetry.points(ChainMetric.AuthRejections);
    expect(
      points.map((p) => [
        p.attributes[ChainAttribute.HttpStatus],
        p.attributes[ChainAttribute.ErrorCode],
        p.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [401, 'token_expired', 2],
        [403, 'scope_missing', 1],
      ]),
    );
    expect(points).toHaveLength(2);
  });

  it('leaves other statuses uncounted and the answer unchanged', async () => {
    const res = new FakeResponse();
    filter.catch(new NotFoundException(), httpHost(res));

    expect(await telemetry.points(ChainMetric.AuthRejections)).toEqual([]);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(String(res.body))).toMatchObject({ code: 'not_found' });
    expect(Object.prototype.hasOwnProperty.call(res, 'send')).toBe(false);
  });

  it('sets the problem code on the request server span', () => {
    const span = telemetry.tracer.startSpan('GET /api/programmes');
    const withServerSpan = setRPCMetadata(context.active(), { type: RPCType.HTTP, span });

    context.with(withServerSpan, () =>
      filter.catch(new InvalidTokenError('token_missing', 'No token.'), httpHost(new FakeResponse())),
    );
    span.end();

    expect(telemetry.spans()[0]?.attributes[ChainAttribute.ErrorCode]).toBe('token_missing');
  });
});
