import { codeInMessage, explain, knownCodes, normaliseCode } from './aadsts.catalogue';

describe('the AADSTS catalogue', () => {
  it('explains every error the chain can meet, each cause and fix in its own terms', () => {
    const codes = [
      '50013',
      '65001',
      '500011',
      '70011',
      '500131',
      '7000215',
      '700016',
      '50076',
      '1002012',
    ].map((c) => `AADSTS${c}`);
    expect(knownCodes()).toEqual([...codes, 'AADB2C90086']);
    for (const code of knownCodes()) {
      const e = explain(code);
      expect(e?.cause).toMatch(
        /BFF|middle tier|documents-service|program-service|AUTH_|DOWNSTREAM_APIS|b2c|SPA/,
      );
      expect(e?.fix.length).toBeGreaterThan(40);
    }
  });

  it('accepts a code with or without its prefix, in any case', () => {
    expect(normaliseCode('65001')).toBe('AADSTS65001');
    expect(normaliseCode(' aadsts50013 ')).toBe('AADSTS50013');
    expect(explain('aadb2c90086')?.title).toMatch(/grant_type/);
    expect(explain('AADSTS12345')).toBeUndefined();
  });

  it('finds the code in a token-endpoint description and in an MSAL message', () => {
    expect(codeInMessage('invalid_scope: AADSTS1002012: The provided value for scope …\r\nTrace ID: x')).toBe(
      'AADSTS1002012',
    );
    expect(codeInMessage('invalid_grant: Error(s): 65001 - Timestamp: 2026-01-01')).toBe('AADSTS65001');
    expect(codeInMessage('invalid_grant: AADB2C90086: The supplied grant_type')).toBe('AADB2C90086');
    expect(codeInMessage('network error')).toBeUndefined();
  });
});
