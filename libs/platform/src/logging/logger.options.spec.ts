import type { IncomingMessage } from 'node:http';

import { correlationIdOf } from './logger.options';

function requestWith(headers: Record<string, string>): IncomingMessage {
  return { headers: { ...headers } } as unknown as IncomingMessage;
}

describe('correlationIdOf', () => {
  it('keeps a well-formed incoming correlation id', () => {
    const req = requestWith({ 'x-correlation-id': 'abc-123.X_y' });
    expect(correlationIdOf(req)).toBe('abc-123.X_y');
  });

  it('replaces a malformed one with a UUID and writes it back to the request headers', () => {
    const req = requestWith({ 'x-correlation-id': 'bad id\r\nInjected: 1' });
    const id = correlationIdOf(req);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.headers['x-correlation-id']).toBe(id);
  });

  it('generates a UUID when none was sent', () => {
    expect(correlationIdOf(requestWith({}))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
