import { TokenBrokerError } from '@chain/auth';

import { relayDownstreamCode } from './downstream-problem.interceptor';

describe('relayDownstreamCode', () => {
  const forbidden = (downstreamCode?: string) =>
    new TokenBrokerError({
      code: 'downstream_forbidden',
      status: 403,
      detail: 'Only the broker who owns this programme may change it.',
      extensions: {
        downstream: 'PROGRAM',
        downstreamStatus: 403,
        ...(downstreamCode ? { downstreamCode } : {}),
      },
    });

  it("passes program-service's 403 not_owner through with its own code, status, detail and members", () => {
    const relayed = relayDownstreamCode(forbidden('not_owner')) as TokenBrokerError;
    expect(relayed).toBeInstanceOf(TokenBrokerError);
    expect([relayed.code, relayed.status, relayed.detail]).toEqual([
      'not_owner',
      403,
      'Only the broker who owns this programme may change it.',
    ]);
    expect(relayed.extensions).toMatchObject({ downstream: 'PROGRAM', downstreamCode: 'not_owner' });
  });

  it("keeps downstream_forbidden for a downstream's own authorisation codes, which are not the user's doing", () => {
    const original = forbidden('scope_missing');
    expect(relayDownstreamCode(original)).toBe(original);
    const bare = forbidden();
    expect(relayDownstreamCode(bare)).toBe(bare);
  });

  it('leaves claims challenges, 5xx mappings and other errors alone', () => {
    const challenge = new TokenBrokerError({
      code: 'claims_challenge',
      status: 401,
      detail: 'step up',
      extensions: { downstreamCode: 'not_owner' },
    });
    const unavailable = new TokenBrokerError({
      code: 'token_service_unavailable',
      status: 503,
      detail: 'down',
    });
    const other = new Error('boom');
    for (const error of [challenge, unavailable, other]) expect(relayDownstreamCode(error)).toBe(error);
  });
});
