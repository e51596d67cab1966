import type { HopRecord } from '@chain/contracts';

import { decodeChainTrace } from './chain-trace';
import { displayClaims } from './token-claims';
import { childTraceparent } from './traceparent';

/** The `x-chain-trace` encoding (base64url JSON), as @chain/platform's interceptor writes it. */
const encodeChainTrace = (hops: readonly HopRecord[]): string =>
  Buffer.from(JSON.stringify(hops), 'utf8').toString('base64url');

const hop: HopRecord = {
  from: 'documents',
  to: 'PROGRAM',
  flow: 'on-behalf-of',
  method: 'GET',
  path: '/programmes/1',
  status: 200,
  durationMs: 3,
  token: { source: 'token-service', acquireMs: 2, claims: { aud: 'p', oid: 'o' } },
};

describe('chain trace header', () => {
  it('round-trips hops through base64url JSON', () => {
    expect(decodeChainTrace(encodeChainTrace([{ ...hop, children: [hop] }]))).toEqual([
      { ...hop, children: [hop] },
    ]);
  });

  it('ignores absent, malformed, oversized and over-deep values', () => {
    expect(decodeChainTrace(undefined)).toBeUndefined();
    expect(decodeChainTrace('not base64 json')).toBeUndefined();
    expect(
      decodeChainTrace(encodeChainTrace([{ ...hop, status: 'x' } as unknown as HopRecord])),
    ).toBeUndefined();
    expect(decodeChainTrace('a'.repeat(20_000))).toBeUndefined();
    let deep: HopRecord = hop;
    for (let i = 0; i < 10; i += 1) deep = { ...hop, children: [deep] };
    expect(decodeChainTrace(encodeChainTrace([deep]))).toBeUndefined();
  });

  it('keeps a verified-delegation hop and the display claims of its proof', () => {
    const delegated: HopRecord = {
      ...hop,
      flow: 'verified-delegation',
      token: {
        ...hop.token,
        delegation: { oid: 'alice', scp: 'Program.Read', tfp: 'B2C_1_mfa', idp: 'google.com' },
      },
    };
    expect(decodeChainTrace(encodeChainTrace([delegated]))).toEqual([delegated]);
  });

  it('drops unknown claims a callee might add', () => {
    const withExtra = {
      ...hop,
      token: { ...hop.token, claims: { aud: 'p', raw: 'eyJ...' } },
    } as unknown as HopRecord;
    expect(decodeChainTrace(encodeChainTrace([withExtra]))?.[0]?.token.claims).toEqual({ aud: 'p' });
  });
});

describe('displayClaims', () => {
  it('keeps the display claims of a JWT payload and nothing else', () => {
    const payload = {
      aud: 'a',
      scp: 's',
      roles: ['r', 1],
      oid: 'o',
      amr: ['pwd'],
      iat: 1,
      exp: 2,
      name: 'Alice',
      ver: '2.0',
    };
    const jwt = `x.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.y`;
    expect(displayClaims(jwt)).toEqual({
      aud: 'a',
      scp: 's',
      roles: ['r'],
      oid: 'o',
      amr: ['pwd'],
      iat: 1,
      exp: 2,
      ver: '2.0',
    });
  });

  it('yields nothing for an unreadable token', () => {
    expect(displayClaims('garbage')).toEqual({});
    expect(displayClaims('a.!!!.c')).toEqual({});
  });
});

describe('childTraceparent', () => {
  it('continues a valid trace with a new span id', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = childTraceparent(parent);
    expect(child).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(child).not.toBe(parent);
  });

  it('starts a new trace for an absent or invalid parent', () => {
    for (const bad of [undefined, 'junk', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(childTraceparent(bad)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(childTraceparent(bad)).not.toContain('00000000000000000000000000000000');
    }
  });
});
