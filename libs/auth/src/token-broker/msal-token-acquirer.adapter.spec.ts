import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';

import { toFailure } from './msal-token-acquirer.adapter';
import { TokenServiceFailure } from './token-acquirer.port';

describe('toFailure', () => {
  it('keeps the claims, suberror and AADSTS codes of an interaction-required answer', () => {
    const error = new InteractionRequiredAuthError(
      'interaction_required',
      'c',
      'Error(s): 50076,50079 - Timestamp: t - Description: d',
      'basic_action',
      undefined,
      undefined,
      '{"access_token":{}}',
    );
    expect(toFailure(error, undefined).details).toMatchObject({
      kind: 'rejected',
      error: 'interaction_required',
      subError: 'basic_action',
      errorCodes: [50076, 50079],
      claims: '{"access_token":{}}',
    });
  });

  it('classifies server errors by the status and Retry-After the transport saw', () => {
    const error = new ServerError(
      'temporarily_unavailable',
      'c',
      'Error(s): 9999 -',
      undefined,
      undefined,
      503,
    );
    expect(
      toFailure(error, { kind: 'unavailable', status: 503, retryAfterSeconds: 7 }).details,
    ).toMatchObject({ kind: 'unavailable', status: 503, retryAfterSeconds: 7 });
    expect(toFailure(error, undefined).details.kind).toBe('unavailable');
    expect(
      toFailure(
        new ServerError('invalid_client', 'c', 'Error(s): 7000215 -', undefined, undefined, 401),
        undefined,
      ).details,
    ).toMatchObject({ kind: 'rejected', errorCodes: [7000215] });
  });

  it('treats MSAL network errors and unknown errors as network failures', () => {
    expect(toFailure(new AuthError('network_error', 'boom'), undefined).details.kind).toBe('network');
    expect(toFailure(new Error('socket hang up'), undefined).details.kind).toBe('network');
    expect(toFailure(new Error('x'), { kind: 'timeout' }).details.kind).toBe('timeout');
  });

  it('passes a TokenServiceFailure through', () => {
    const failure = new TokenServiceFailure({ kind: 'rejected', error: 'empty_response' });
    expect(toFailure(failure, undefined)).toBe(failure);
  });
});
