import { TokenBroker, TokenValidator } from '@chain/auth';
import { configureApp } from '@chain/platform';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { AppModule, BFF_NAME } from '../../apps/bff/src/app.module';
import { IdempotencyStore } from '../../apps/bff/src/common/idempotency/idempotency.store';
import { parseBffEnv } from '../../apps/bff/src/config/bff.config';

/*
 * The bff for P6 as its own process, started with `--expose-gc`: the real AppModule from source, configured
 * from the environment the figure gives it. On `{ type: 'sample' }` it collects garbage (twice, finalizers in
 * between) and answers `{ type: 'sample', heapUsed, rss, caches }`: the heap that is still reachable, and
 * the size of each cache the bff holds.
 */

/** A cache's entry count, read through the object graph (libs/auth exposes no sizes yet). */
function sizeAt(root: unknown, path: readonly string[]): number | undefined {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Reflect.get(value, key);
  }
  if (value === null || typeof value !== 'object') return undefined;
  const size: unknown = Reflect.get(value, 'size');
  return typeof size === 'number' ? size : undefined;
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('start the soak bff with --expose-gc');
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

async function sample(app: INestApplication): Promise<Record<string, unknown>> {
  await collectGarbage();
  const memory = process.memoryUsage();
  const broker = app.get(TokenBroker);
  const validator = app.get(TokenValidator);
  const msal = Reflect.get((Reflect.get(broker, 'acquirer') as object | undefined) ?? {}, 'msal') as
    { getTokenCache(): { serialize(): string } } | undefined;
  return {
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    external: memory.external,
    caches: {
      'token broker L1 (tokens)': sizeAt(broker, ['l1', 'lru']),
      'token broker in flight': sizeAt(broker, ['flights', 'inFlight']),
      'validated tokens': sizeAt(validator, ['cache', 'entries']),
      'signing keys': sizeAt(validator, ['keys', 'keys']),
      'idempotency keys': await app.get(IdempotencyStore).size(),
      'msal token cache (bytes)': msal?.getTokenCache().serialize().length,
    },
  };
}

async function main(): Promise<void> {
  const env = parseBffEnv(process.env);
  const app = await NestFactory.create(AppModule.forRoot(env), { logger: ['error', 'warn'] });
  configureApp(app, { name: BFF_NAME });
  await app.listen(0, '127.0.0.1');
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'sample') return;
    sample(app).then(
      (values) => process.send?.({ type: 'sample', ...values }),
      (error: unknown) => process.send?.({ type: 'sample', error: String(error) }),
    );
  });
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
  process.send?.({ type: 'ready', url: await app.getUrl() });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak bff: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
