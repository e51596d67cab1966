import { Test } from '@nestjs/testing';

import { TokenBrokerModule } from '../src/token-broker/token-broker.module';
import type { TokenBrokerOptions } from '../src/token-broker/token-broker.options';

/* Misconfigurations stop the app at boot (module compilation) with a message naming the downstream and the fix. */
const valid: TokenBrokerOptions = {
  authority: 'https://localhost:8443/5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f',
  knownAuthorities: ['localhost:8443'],
  clientId: '1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22',
  credential: { kind: 'secret', secret: 'x' },
  downstreams: {
    PRICING: {
      baseUrl: 'http://127.0.0.1:3002',
      flow: 'client-credentials',
      scopes: ['api://pricing-service/.default'],
    },
  },
};

async function bootError(options: TokenBrokerOptions): Promise<string> {
  const error: unknown = await Test.createTestingModule({ imports: [TokenBrokerModule.forRoot(options)] })
    .compile()
    .then(
      async (moduleRef) => {
        await moduleRef.close();
        return undefined;
      },
      (e: unknown) => e,
    );
  if (!(error instanceof Error)) throw new Error('the module booted');
  return error.message;
}

describe('TokenBrokerModule boot-time validation', () => {
  it('refuses a client-credentials downstream whose scope does not end in /.default, citing AADSTS1002012', async () => {
    const message = await bootError({
      ...valid,
      downstreams: {
        PRICING: { ...valid.downstreams['PRICING']!, scopes: ['api://pricing-service/Pricing.Read.All'] },
      },
    });
    expect(message).toContain('downstream "PRICING"');
    expect(message).toContain('AADSTS1002012');
    expect(message).toContain('api://pricing-service/.default');
  });

  it('refuses a relative base URL and names the variable to fix', async () => {
    const message = await bootError({
      ...valid,
      downstreams: { PRICING: { ...valid.downstreams['PRICING']!, baseUrl: '/pricing' } },
    });
    expect(message).toContain('DOWNSTREAM_APIS__PRICING__BASE_URL');
  });

  it('refuses an unknown flow', async () => {
    const message = await bootError({
      ...valid,
      downstreams: { PRICING: { ...valid.downstreams['PRICING']!, flow: 'implicit' as 'on-behalf-of' } },
    });
    expect(message).toContain('unknown flow "implicit"');
  });

  it('refuses a Redis L2 without an encryption key', async () => {
    const message = await bootError({ ...valid, cache: { redisUrl: 'redis://127.0.0.1:6379' } });
    expect(message).toContain('TOKEN_CACHE_ENCRYPTION_KEY');
  });

  it('boots with a valid configuration', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TokenBrokerModule.forRoot(valid)],
    }).compile();
    await moduleRef.close();
  });

  it('boots through forRootAsync and validates there too', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TokenBrokerModule.forRootAsync({ useFactory: () => Promise.resolve(valid) })],
    }).compile();
    await moduleRef.close();
    const failing = Test.createTestingModule({
      imports: [TokenBrokerModule.forRootAsync({ useFactory: () => ({ ...valid, clientId: '' }) })],
    }).compile();
    await expect(failing).rejects.toThrow('AUTH_CLIENT_ID');
  });
});
