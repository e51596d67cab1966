import { InvalidTokenError, RequestContext } from '@chain/auth';
import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, NotFoundException } from '@nestjs/common';

import { ProblemDetailsFilter } from './problem-details.filter';

interface Captured {
  status?: number;
  type?: string;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

function hostFor(captured: Captured): ArgumentsHost {
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => void (captured.headers[k.toLowerCase()] = v),
    status(code: number) {
      captured.status = code;
      return this;
    },
    type(t: string) {
      captured.type = t;
      return this;
    },
    send(text: string) {
      captured.body = JSON.parse(text) as Record<string, unknown>;
      return this;
    },
  };
  return {
    switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ headers: {} }) }),
  } as unknown as ArgumentsHost;
}

function render(exception: unknown): Captured {
  const captured: Captured = { headers: {} };
  RequestContext.run({ correlationId: 'corr-1', hops: [] }, () =>
    new ProblemDetailsFilter().catch(exception, hostFor(captured)),
  );
  return captured;
}

describe('ProblemDetailsFilter', () => {
  it('renders a ChainError as problem+json with its code, challenge and the correlation id', () => {
    const out = render(new InvalidTokenError('token_expired', 'The access token expired.'));
    expect(out.status).toBe(401);
    expect(out.type).toBe('application/problem+json');
    expect(out.body).toEqual({
      type: 'https://entra-api-chain.dev/problems/token_expired',
      title: 'Access token expired',
      status: 401,
      detail: 'The access token expired.',
      code: 'token_expired',
      correlationId: 'corr-1',
    });
    expect(out.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it("maps Nest's validation and not-found exceptions to stable codes", () => {
    const bad = render(new BadRequestException(['name must be a string', 'region must be one of uk, eu']));
    expect(bad.body).toMatchObject({
      status: 400,
      code: 'validation_failed',
      detail: 'name must be a string; region must be one of uk, eu',
    });
    expect(render(new NotFoundException()).body).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('maps a body-parser error (bad JSON, too large) to its 4xx', () => {
    expect(
      render(Object.assign(new SyntaxError('Unexpected token'), { status: 400, expose: true })).body,
    ).toMatchObject({ status: 400 });
    expect(
      render(Object.assign(new Error('request entity too large'), { status: 413, expose: true })).body,
    ).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers a bare 500 without the message or stack of an unexpected error', () => {
    const out = render(new TypeError('secret internal detail at /srv/app.js:12'));
    expect(out.status).toBe(500);
    expect(out.body).toEqual(
      expect.objectContaining({ code: 'internal', detail: 'An unexpected error occurred.' }),
    );
    expect(JSON.stringify(out.body)).not.toContain('secret internal detail');
  });
});
