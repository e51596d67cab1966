import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';

import type { bffConfig } from '../config/bff.config';
import { CorsMiddleware } from './cors.middleware';

interface Sent {
  headers: Record<string, string>;
  status?: number;
  ended: boolean;
  next: boolean;
}

function run(origins: string[], req: { method: string; headers: Record<string, string> }): Sent {
  const sent: Sent = { headers: {}, ended: false, next: false };
  const res = {
    vary: (field: string) => void (sent.headers['vary'] = field),
    setHeader: (name: string, value: string) => void (sent.headers[name.toLowerCase()] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    end: () => void (sent.ended = true),
  };
  const middleware = new CorsMiddleware({ CORS_ORIGINS: origins } as ConfigType<typeof bffConfig>);
  middleware.use(
    req as unknown as Request,
    res as unknown as Response,
    (() => (sent.next = true)) as NextFunction,
  );
  return sent;
}

describe('CorsMiddleware', () => {
  const SPA = 'http://localhost:8080';

  it('lets the SPA origin read the correlation id and a claims challenge', () => {
    const sent = run([SPA], { method: 'GET', headers: { origin: SPA } });
    expect(sent.next).toBe(true);
    expect(sent.headers['access-control-allow-origin']).toBe(SPA);
    expect(sent.headers['access-control-expose-headers']).toContain('x-correlation-id');
    expect(sent.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    expect(sent.headers['vary']).toBe('Origin');
    expect(sent.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a preflight from the SPA origin itself, with 204, the methods and the Authorization header', () => {
    const sent = run([SPA], {
      method: 'OPTIONS',
      headers: { origin: SPA, 'access-control-request-method': 'PATCH' },
    });
    expect([sent.status, sent.ended, sent.next]).toEqual([204, true, false]);
    expect(sent.headers['access-control-allow-methods']).toContain('PATCH');
    expect(sent.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('gives another origin no CORS header at all, so the browser refuses it', () => {
    for (const method of ['GET', 'OPTIONS']) {
      const sent = run([SPA], {
        method,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(sent.next).toBe(true);
      expect(Object.keys(sent.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
    }
  });

  it('leaves requests without Origin (not from a browser) alone', () => {
    const sent = run([SPA], { method: 'GET', headers: {} });
    expect(sent.next).toBe(true);
    expect(sent.headers['access-control-allow-origin']).toBeUndefined();
  });
});
