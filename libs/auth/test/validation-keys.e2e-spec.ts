import { request } from 'node:https';

import { ChainError, TokenValidator } from '@chain/auth';

import {
  BFF_CLIENT_ID,
  type BrokerEmulator,
  startBrokerEmulator,
  TENANT_ID,
} from './support/broker-emulator';

const CACHE_WINDOW_MS = 1_500;

/** TokenValidator against the emulator's real JWKS while the emulator rotates its signing keys. */
describe('validation across signing-key rotation (emulator JWKS)', () => {
  let env: BrokerEmulator;
  let validator: TokenValidator;
  const alice = { username: 'alice@contoso-brokers.onmicrosoft.com', password: 'Passw0rd!alice', oid: '' };

  beforeAll(async () => {
    env = await startBrokerEmulator(0);
    validator = TokenValidator.fromOptions({
      issuers: [`${env.emulator.publicUrl}/${TENANT_ID}/v2.0`],
      jwksUri: `${env.emulator.publicUrl}/${TENANT_ID}/discovery/v2.0/keys`,
      jwksCaPem: env.emulator.caPem,
      audiences: [BFF_CLIENT_ID, 'api://bff'],
      jwksCacheMaxAgeMs: CACHE_WINDOW_MS,
    });
  });
  afterAll(async () => {
    validator?.close();
    await env?.stop();
  });

  const rotate = (body: Record<string, string>) => adminPost(env, '/_admin/keys/rotate', body);
  const codeOf = async (token: string): Promise<string> => {
    try {
      await validator.validate(token);
      return 'valid';
    } catch (error) {
      if (error instanceof ChainError) return error.code;
      throw error;
    }
  };

  it('accepts a token of a newly activated key and stops accepting a retired key once the cache window passes', async () => {
    const oldToken = await env.signIn(alice);
    expect(await codeOf(oldToken)).toBe('valid');

    const { kid } = (await rotate({ action: 'add' })) as { kid: string };
    await rotate({ action: 'activate', kid });
    const newToken = await env.signIn(alice);
    expect(headerKid(newToken)).toBe(kid);
    expect(await codeOf(newToken)).toBe('valid'); // unknown kid → one JWKS refetch → known

    await rotate({ action: 'retire', kid: headerKid(oldToken) });
    expect(await codeOf(oldToken)).toBe('valid'); // still inside the trust window of the cached key
    // Wait for the event (the retired key refused), not a fixed time: it must come once the window passes.
    const retiredAt = Date.now();
    while ((await codeOf(oldToken)) === 'valid' && Date.now() - retiredAt < CACHE_WINDOW_MS + 5_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await codeOf(oldToken)).toBe('token_key_unknown');
    expect(Date.now() - retiredAt).toBeGreaterThanOrEqual(CACHE_WINDOW_MS - 500);
    expect(await codeOf(newToken)).toBe('valid');
  });
});

function headerKid(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
}

function adminPost(env: BrokerEmulator, path: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${env.emulator.publicUrl}${path}`,
      { method: 'POST', ca: env.emulator.caPem, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
