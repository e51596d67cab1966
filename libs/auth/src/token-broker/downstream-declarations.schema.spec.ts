import {
  parseDownstreamApisEnv,
  TokenBrokerConfigError,
  validateDownstreamDeclarations,
} from './downstream-declarations.schema';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof TokenBrokerConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a TokenBrokerConfigError');
}

describe('parseDownstreamApisEnv', () => {
  it('maps DOWNSTREAM_APIS__<NAME>__* variables into declarations', () => {
    const declarations = parseDownstreamApisEnv(
      {
        DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
        DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
        DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/Program.ReadWrite',
        DOWNSTREAM_APIS__PROGRAM__TIMEOUT_MS: '2500',
        DOWNSTREAM_APIS__PRICING__BASE_URL: 'http://127.0.0.1:3002',
        DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
        DOWNSTREAM_APIS__PRICING__SCOPES: ' api://pricing-service/.default ',
      },
      ['PROGRAM', 'PRICING'],
    );
    expect(declarations).toEqual({
      PROGRAM: {
        baseUrl: 'http://127.0.0.1:3001',
        flow: 'on-behalf-of',
        scopes: ['api://program-service/Program.ReadWrite'],
        timeoutMs: 2500,
      },
      PRICING: {
        baseUrl: 'http://127.0.0.1:3002',
        flow: 'client-credentials',
        scopes: ['api://pricing-service/.default'],
      },
    });
  });

  it('names every missing or bad variable in one error', () => {
    const issues = issuesOf(() =>
      parseDownstreamApisEnv(
        {
          DOWNSTREAM_APIS__PRICING__FLOW: 'client-credentials',
          DOWNSTREAM_APIS__PRICING__TIMEOUT_MS: 'soon',
        },
        ['PROGRAM', 'PRICING'],
      ),
    );
    const text = issues.join('\n');
    for (const name of [
      'PROGRAM__BASE_URL',
      'PROGRAM__FLOW',
      'PROGRAM__SCOPES',
      'PRICING__BASE_URL',
      'PRICING__SCOPES',
      'PRICING__TIMEOUT_MS',
    ]) {
      expect(text).toContain(`DOWNSTREAM_APIS__${name}`);
    }
  });
});

describe('validateDownstreamDeclarations', () => {
  const base = {
    baseUrl: 'https://pricing.example',
    flow: 'client-credentials',
    scopes: ['api://pricing-service/.default'],
  };

  it('accepts a valid registry', () => {
    expect(() => validateDownstreamDeclarations({ PRICING: base })).not.toThrow();
  });

  it('refuses a client-credentials scope without /.default, citing AADSTS1002012 and the fix', () => {
    const [issue] = issuesOf(() =>
      validateDownstreamDeclarations({
        PRICING: { ...base, scopes: ['api://pricing-service/Pricing.Read'] },
      }),
    );
    expect(issue).toContain('AADSTS1002012');
    expect(issue).toContain('"api://pricing-service/.default"');
  });

  it('refuses a relative or non-http base URL', () => {
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, baseUrl: 'pricing/api' } }))[0],
    ).toContain('not an absolute URL');
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, baseUrl: 'ftp://x' } }))[0],
    ).toContain('http or https');
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, baseUrl: 'https://x/?q=1' } }))[0],
    ).toContain('query');
  });

  it('refuses an unknown flow', () => {
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, flow: 'password' } }))[0],
    ).toContain('unknown flow "password"');
  });

  it('refuses on-behalf-of without a resource scope and with scopes of several resources', () => {
    const obo = { baseUrl: 'https://p.example', flow: 'on-behalf-of' };
    expect(issuesOf(() => validateDownstreamDeclarations({ P: { ...obo, scopes: [] } }))[0]).toContain(
      'at least one scope',
    );
    expect(
      issuesOf(() => validateDownstreamDeclarations({ P: { ...obo, scopes: ['openid', 'profile'] } }))[0],
    ).toContain('at least one scope');
    expect(
      issuesOf(() =>
        validateDownstreamDeclarations({ P: { ...obo, scopes: ['api://a/X', 'api://b/Y'] } }),
      )[0],
    ).toContain('AADSTS700022');
  });

  it('refuses allowAppFallback on a client-credentials downstream, bad names and bad shapes', () => {
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, allowAppFallback: true } }))[0],
    ).toContain('allowAppFallback');
    expect(issuesOf(() => validateDownstreamDeclarations({ '1x': base }))[0]).toContain(
      'must start with a letter',
    );
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, timeoutMs: -1 } }))[0],
    ).toContain('timeoutMs');
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PRICING: { ...base, scopes: ['a b'] } })).join(),
    ).toContain('whitespace');
  });
});

describe('verified-delegation declarations', () => {
  const delegation = {
    baseUrl: 'https://program.example',
    flow: 'verified-delegation',
    scopes: ['https://contosob2c.onmicrosoft.com/program-service/.default'],
    delegatedScopes: ['Program.ReadWrite'],
  };

  it('reads DELEGATED_SCOPES from the environment', () => {
    const declarations = parseDownstreamApisEnv(
      {
        DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'https://program.example',
        DOWNSTREAM_APIS__PROGRAM__FLOW: 'verified-delegation',
        DOWNSTREAM_APIS__PROGRAM__SCOPES: 'https://contosob2c.onmicrosoft.com/program-service/.default',
        DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: 'Program.Read  Program.ReadWrite',
      },
      ['PROGRAM'],
    );
    expect(declarations.PROGRAM).toEqual({
      ...delegation,
      delegatedScopes: ['Program.Read', 'Program.ReadWrite'],
    });
  });

  it('accepts one <resource>/.default with delegated scope names, and the app fallback', () => {
    expect(() =>
      validateDownstreamDeclarations({ PROGRAM: { ...delegation, allowAppFallback: true } }),
    ).not.toThrow();
  });

  it.each([
    [
      'a scope other than one <resource>/.default',
      { scopes: ['https://contosob2c.onmicrosoft.com/program-service/Program.Read'] },
      /exactly one scope "<App ID URI>\/\.default"/,
    ],
    ['no delegated scopes', { delegatedScopes: undefined }, /DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES/],
    [
      'a delegated scope with its resource',
      { delegatedScopes: ['api://program-service/Program.Read'] },
      /DELEGATED_SCOPES lists scope names without the resource/,
    ],
    ['an OpenID scope as delegated scope', { delegatedScopes: ['openid'] }, /without the resource/],
  ])('refuses %s, naming the variable or the fix', (_name, change, message) => {
    expect(
      issuesOf(() => validateDownstreamDeclarations({ PROGRAM: { ...delegation, ...change } })).join('\n'),
    ).toMatch(message);
  });

  it('refuses delegated scopes on another flow', () => {
    const obo = {
      baseUrl: 'https://p.example',
      flow: 'on-behalf-of',
      scopes: ['api://p/P.Read'],
      delegatedScopes: ['P.Read'],
    };
    expect(issuesOf(() => validateDownstreamDeclarations({ PROGRAM: obo }))[0]).toContain(
      'applies to verified-delegation downstreams only',
    );
  });
});
