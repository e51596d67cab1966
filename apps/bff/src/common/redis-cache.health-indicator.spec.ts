import { type AddressInfo, createServer, type Server } from 'node:net';

import type { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';

import type { bffConfig } from '../config/bff.config';
import { RedisCacheHealthIndicator } from './redis-cache.health-indicator';

const indicator = (url?: string) =>
  new RedisCacheHealthIndicator(
    { TOKEN_CACHE_REDIS_URL: url } as ConfigType<typeof bffConfig>,
    new HealthIndicatorService(),
  );

describe('RedisCacheHealthIndicator', () => {
  it('is up without a shared cache configured (the in-memory cache needs nothing)', async () => {
    await expect(indicator().check()).resolves.toEqual({ tokenCache: { status: 'up', shared: false } });
  });

  it('is down, without the URL, when the configured Redis does not answer', async () => {
    const probe = indicator('redis://127.0.0.1:1');
    const result = await probe.check();
    probe.onApplicationShutdown();
    expect(result).toEqual({ tokenCache: { status: 'down', shared: true, reason: 'redis unavailable' } });
  });

  it('is up when Redis answers PING (a loopback fake speaking RESP)', async () => {
    const server: Server = createServer((socket) =>
      socket.on('data', (data) => {
        if (data.toString().toUpperCase().includes('PING')) socket.write('+PONG\r\n');
        else socket.write('+OK\r\n');
      }),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const probe = indicator(`redis://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      await expect(probe.check()).resolves.toEqual({ tokenCache: { status: 'up', shared: true } });
    } finally {
      probe.onApplicationShutdown();
      await new Promise((ok) => server.close(ok));
    }
  });
});
