import { optionalClaimValues, usesGuidAudience } from './optional-claims';

const user = {
  oid: 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11',
  name: 'Alice',
  username: 'alice@contoso.example',
  amr: ['pwd'],
  acrs: [],
  country: 'GB',
};
const claim = (
  name: 'idtyp' | 'xms_cc' | 'acct' | 'ctry' | 'upn' | 'email' | 'aud',
  additionalProperties: ('include_user_token' | 'use_guid')[] = [],
) => ({ name, additionalProperties });

describe('optionalClaimValues', () => {
  it('adds nothing when the application configured nothing', () => {
    expect(optionalClaimValues([], { subject: 'user', user, capabilities: ['cp1'] })).toEqual({});
  });

  it('says idtyp app on app tokens, and user only with include_user_token', () => {
    expect(optionalClaimValues([claim('idtyp')], { subject: 'app' })).toEqual({ idtyp: 'app' });
    expect(optionalClaimValues([claim('idtyp')], { subject: 'user', user })).toEqual({});
    expect(optionalClaimValues([claim('idtyp', ['include_user_token'])], { subject: 'user', user })).toEqual({
      idtyp: 'user',
    });
  });

  it('emits xms_cc only when the client declared capabilities, in lower case', () => {
    expect(optionalClaimValues([claim('xms_cc')], { subject: 'user', user })).toEqual({});
    expect(optionalClaimValues([claim('xms_cc')], { subject: 'user', user, capabilities: ['CP1'] })).toEqual({
      xms_cc: ['cp1'],
    });
  });

  it('describes the user with acct 0 (a member), ctry, upn and email, and never an app', () => {
    const config = [claim('acct'), claim('ctry'), claim('upn'), claim('email')];
    expect(optionalClaimValues(config, { subject: 'user', user })).toEqual({
      acct: 0,
      ctry: 'GB',
      upn: user.username,
      email: user.username,
    });
    expect(optionalClaimValues(config, { subject: 'app' })).toEqual({});
    const { country: _country, ...noCountry } = user;
    expect(optionalClaimValues([claim('ctry')], { subject: 'user', user: noCountry })).toEqual({});
  });

  it('reads aud use_guid as a rule for the v1 audience, not as a claim', () => {
    expect(optionalClaimValues([claim('aud', ['use_guid'])], { subject: 'app' })).toEqual({});
    expect(usesGuidAudience([claim('aud', ['use_guid'])])).toBe(true);
    expect(usesGuidAudience([claim('aud')])).toBe(false);
  });
});
