import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';

import { toFailure } from './msal-token-acquirer.adapter';
import { TokenServiceFailure } from './token-acquirer.port';

describe('toFailure', () => {
  it('keeps the claims, suberror, correlation id and every AADSTS code of an interaction-required answer', () => {
    const error = new InteractionRequiredAuthError(
      'interaction_required',
      'corr-1',
      'Error(s): 50076,50079 - Timestamp: t - Description: d',
      'basic_action',
      undefined,
      'trace-1',
      '{"access_token":{}}',
      '50076',
    );
    expect(
      toFailure(error, { kind: 'rejected', status: 400, errorCodes: [50076, 50079] }).details,
    ).toMatchObject({
      kind: 'rejected',
      error: 'interaction_required',
      subError: 'basic_action',
      errorCodes: [50076, 50079],
      correlationId: 'corr-1',
      traceId: 'trace-1',
      claims: '{"access_token":{}}',
    });
  });

  it("takes the AADSTS number from MSAL's errorNo, never from the message text", () => {
    const withoutNo = new ServerError('invalid_grant', 'c', 'Error(s): 50013 - Description: d');
    expect(toFailure(withoutNo, undefined).details.errorCodes).toEqual([]);
    const withNo = new ServerError(
      'invalid_grant',
      'c',
      'Error(s): 1 - Description: d',
      undefined,
      '50013',
      400,
    );
    expect(toFailure(withNo, undefined).details.errorCodes).toEqual([50013]);
  });

  it('keeps the transport code and the request correlation id of a failure without an answer', () => {
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(toFailure(tls, undefined, 'corr-2').details).toEqual({
      kind: 'network',
      correlationId: 'corr-2',
      transportCode: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const msal = new AuthError('endpoints_resolution_error', 'corr-3');
    expect(toFailure(msal, { kind: 'network', transportCode: 'ENOTFOUND' }, 'corr-3').details).toMatchObject({
      kind: 'network',
      error: 'endpoints_resolution_error',
      correlationId: 'corr-3',
      transportCode: 'ENOTFOUND',
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
        new ServerError('invalid_client', 'c', 'Error(s): 7000215 -', undefined, '7000215', 401),
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
