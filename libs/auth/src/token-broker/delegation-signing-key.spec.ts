import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { options } from '../testing/broker.fakes';
import {
  delegationSigningKeyFromEnv,
  jwkThumbprint,
  resolveDelegationSigningKey,
} from './delegation-signing-key';
import { TokenBrokerConfigError } from './downstream-declarations.schema';
import { resolveTokenBrokerSettings } from './token-broker.settings';

const pemOf = (modulusLength: number) =>
  generateKeyPairSync('rsa', { modulusLength })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
const PEM = pemOf(2048);

/** RFC 7638 §3.1: the example RSA key and its published thumbprint. */
const RFC_7638_N =
  '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';

describe('the delegation signing key', () => {
  it('names a key by its RFC 7638 thumbprint (the RFC example vector)', () => {
    expect(jwkThumbprint(RFC_7638_N, 'AQAB')).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('publishes only the public members, under the thumbprint kid unless one is given', () => {
    const { key } = resolveDelegationSigningKey({ signingKeyPem: PEM });
    expect(Object.keys(key?.publicJwk ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key?.publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
    expect(key?.kid).toBe(jwkThumbprint(key?.publicJwk.n ?? '', 'AQAB'));
    expect(key?.proofLifetimeSeconds).toBe(120);
    expect(resolveDelegationSigningKey({ signingKeyPem: PEM, kid: 'bff-2026' }).key?.kid).toBe('bff-2026');
  });

  it.each([
    ['not a PEM', { signingKeyPem: 'not a key but maybe a secret' }, /not a PEM private key/],
    ['an RSA key under 2048 bits', { signingKeyPem: pemOf(1024) }, /at least 2048 bits/],
    ['an EC key', { signingKeyPem: ecPem() }, /RSA key/],
    [
      'a proof lifetime over 300 s',
      { signingKeyPem: PEM, proofLifetimeSeconds: 301 },
      /proofLifetimeSeconds/,
    ],
  ])('refuses %s without echoing the key', (_name, input, message) => {
    const { key, issues } = resolveDelegationSigningKey(input);
    expect(key).toBeUndefined();
    expect(issues.join(' ')).toMatch(message);
    expect(issues.join(' ')).not.toContain('maybe a secret');
    expect(issues.join(' ')).not.toContain('PRIVATE KEY');
  });

  describe('from the environment', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'delegation-key-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads AUTH_DELEGATION_SIGNING_KEY with \\n escapes as a multi-line PEM', () => {
      const escaped = PEM.trim().replace(/\n/g, '\\n');
      expect(delegationSigningKeyFromEnv({ AUTH_DELEGATION_SIGNING_KEY: escaped })).toEqual({
        signingKeyPem: PEM.trim(),
      });
    });

    it('reads AUTH_DELEGATION_SIGNING_KEY_FILE', () => {
      writeFileSync(join(dir, 'key.pem'), PEM);
      expect(delegationSigningKeyFromEnv({ AUTH_DELEGATION_SIGNING_KEY_FILE: join(dir, 'key.pem') })).toEqual(
        {
          signingKeyPem: PEM,
        },
      );
    });

    it('is absent when neither variable is set', () => {
      expect(delegationSigningKeyFromEnv({ AUTH_DELEGATION_SIGNING_KEY: '' })).toBeUndefined();
    });

    it('refuses both variables at once, and a file it cannot read, naming the variable', () => {
      expect(() =>
        delegationSigningKeyFromEnv({
          AUTH_DELEGATION_SIGNING_KEY: PEM,
          AUTH_DELEGATION_SIGNING_KEY_FILE: 'x',
        }),
      ).toThrow(/AUTH_DELEGATION_SIGNING_KEY and AUTH_DELEGATION_SIGNING_KEY_FILE are both set/);
      expect(() =>
        delegationSigningKeyFromEnv({ AUTH_DELEGATION_SIGNING_KEY_FILE: join(dir, 'missing.pem') }),
      ).toThrow(/AUTH_DELEGATION_SIGNING_KEY_FILE: cannot read/);
    });
  });

  describe('at boot (broker settings)', () => {
    const delegating = {
      ...options,
      downstreams: {
        PROGRAM: {
          baseUrl: 'http://program.test',
          flow: 'verified-delegation' as const,
          scopes: ['https://contosob2c.onmicrosoft.com/program-service/.default'],
          delegatedScopes: ['Program.ReadWrite'],
        },
      },
    };

    it('refuses a verified-delegation downstream without a signing key, naming the variables', () => {
      let error: unknown;
      try {
        resolveTokenBrokerSettings(delegating);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TokenBrokerConfigError);
      expect((error as TokenBrokerConfigError).issues).toEqual([
        expect.stringMatching(
          /"PROGRAM" is declared verified-delegation.*AUTH_DELEGATION_SIGNING_KEY.*_FILE/,
        ),
      ]);
    });

    it('accepts it with a key, which it parses once', () => {
      const settings = resolveTokenBrokerSettings({ ...delegating, delegation: { signingKeyPem: PEM } });
      expect(settings.delegation?.privateKey.asymmetricKeyType).toBe('rsa');
    });
  });
});

function ecPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}
