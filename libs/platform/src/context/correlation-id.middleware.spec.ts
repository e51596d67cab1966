import { RequestContext } from '@chain/auth';
import type { NextFunction, Request, Response } from 'express';

import { CorrelationIdMiddleware } from './correlation-id.middleware';

function run(headers: Record<string, string>) {
  const set: Record<string, string> = {};
  const req = { headers: { ...headers } } as unknown as Request;
  const res = { setHeader: (k: string, v: string) => void (set[k] = v) } as unknown as Response;
  let inside: ReturnType<typeof RequestContext.current>;
  new CorrelationIdMiddleware().use(req, res, (() => (inside = RequestContext.current())) as NextFunction);
  return { set, inside, req };
}

describe('CorrelationIdMiddleware', () => {
  it('keeps a well-formed caller id, returns it and opens the request context', () => {
    const { set, inside } = run({ 'x-correlation-id': 'spa-123.abc_DEF' });
    expect(set['x-correlation-id']).toBe('spa-123.abc_DEF');
    expect(inside).toEqual({ correlationId: 'spa-123.abc_DEF', receivedAtMs: expect.any(Number) }); // no hops: nothing records them unless asked (RequestContext.recordHops)
  });

  it('notes when the request was received, the start of its time budget', () => {
    const before = Date.now();
    const { inside } = run({});
    expect(inside?.receivedAtMs).toBeGreaterThanOrEqual(before);
    expect(inside?.receivedAtMs).toBeLessThanOrEqual(Date.now());
  });

  it('replaces a malformed or oversized id with a new UUID', () => {
    for (const bad of ['a b', 'x'.repeat(129), '<script>', '']) {
      const { set } = run({ 'x-correlation-id': bad });
      expect(set['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('carries a well-formed traceparent and drops a malformed one', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(run({ traceparent: tp }).inside?.traceparent).toBe(tp);
    expect(run({ traceparent: 'nope' }).inside?.traceparent).toBeUndefined();
  });
});
