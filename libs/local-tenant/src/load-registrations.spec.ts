import { readFileSync } from 'node:fs';

import { stringify } from 'yaml';

import {
  defaultRegistrationsPath,
  loadRegistrations,
  parseRegistrations,
  RegistrationsError,
} from './load-registrations';

const defaultYaml = readFileSync(defaultRegistrationsPath(), 'utf8');

function problemsOf(yamlText: string): readonly string[] {
  try {
    parseRegistrations(yamlText, '/tmp/registrations.yaml');
  } catch (error) {
    if (error instanceof RegistrationsError) return error.problems;
    throw error;
  }
  throw new Error('expected the registrations to be rejected');
}

describe('loadRegistrations', () => {
  it('loads the default tenant file with the registrations of the design', () => {
    const reg = loadRegistrations();
    expect(reg.tenants[0]?.id).toBe('5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f');
    expect(reg.applications.map((a) => a.name)).toEqual(
      expect.arrayContaining(['web', 'bff', 'program-service', 'pricing-service', 'documents-service']),
    );
    expect(reg.users.map((u) => u.username.split('@')[0])).toEqual(['alice', 'bob', 'uma', 'wendy']);
    expect(reg.tenants.map((t) => t.name)).toEqual(['contoso-brokers', 'woodgrove-brokers']);
  });

  it('reads a registration without the newer fields with Entra defaults: single tenant, v1 tokens, no optional claims', () => {
    const minimal = `tenants: [{ name: t, id: 11111111-1111-4111-8111-111111111111, domain: t.example }]
applications:
  - { name: api, displayName: API, clientId: 22222222-2222-4222-8222-222222222222, type: confidential }
`;
    const app = parseRegistrations(minimal, '/tmp/registrations.yaml').applications[0];
    expect(app).toMatchObject({
      signInAudience: 'AzureADMyOrg',
      accessTokenAcceptedVersion: null,
      optionalClaims: { accessToken: [], idToken: [] },
    });
  });

  it('accepts a multi-tenant app, v1 or v2 tokens, optional claims and a mobile and desktop client', () => {
    const reg = loadRegistrations();
    const api = reg.applications.find((a) => a.name === 'program-service')!;
    api.accessTokenAcceptedVersion = 1;
    api.signInAudience = 'AzureADMultipleOrgs';
    api.optionalClaims.accessToken.push(
      { name: 'idtyp', additionalProperties: ['include_user_token'] },
      { name: 'aud', additionalProperties: ['use_guid'] },
      { name: 'xms_cc', additionalProperties: [] },
    );
    const parsed = parseRegistrations(stringify(reg), '/tmp/registrations.yaml');
    expect(parsed.applications.find((a) => a.name === 'cli')?.type).toBe('public');
    expect(parsed.applications.find((a) => a.name === 'program-service')).toMatchObject({
      accessTokenAcceptedVersion: 1,
      signInAudience: 'AzureADMultipleOrgs',
    });
  });

  it('names an optional claim it does not know, and an additional property of another claim', () => {
    const reg = loadRegistrations() as unknown as {
      applications: { name: string; optionalClaims: Record<string, unknown[]> }[];
    };
    const api = reg.applications.find((a) => a.name === 'program-service')!;
    api.optionalClaims['accessToken'] = [{ name: 'idtyp', additionalProperties: ['use_guid'] }];
    expect(problemsOf(stringify(reg))).toEqual([
      'applications[2] (program-service).optionalClaims.accessToken[0] (idtyp): use_guid applies only to aud',
    ]);
    api.optionalClaims['accessToken'] = [{ name: 'groups' }];
    expect(problemsOf(stringify(reg))[0]).toMatch(
      /^applications\[2\] \(program-service\)\.optionalClaims\.accessToken\[0\] \(groups\)\.name: Invalid enum value/,
    );
  });

  it.each([
    [
      'external-id',
      'signInAudience: AzureADMultipleOrgs',
      'signInAudience: only an entra tenant has multi-tenant apps',
    ],
    [
      'external-id',
      'accessTokenAcceptedVersion: 1',
      'accessTokenAcceptedVersion: v1 tokens are issued only by an entra tenant',
    ],
    [
      'b2c',
      'optionalClaims: { accessToken: [{ name: idtyp }] }',
      'optionalClaims: a b2c tenant returns claims from its user flows',
    ],
  ])('refuses in a %s tenant what only Entra offers: %s', (kind, field, problem) => {
    const yamlText = `tenants:
  - { name: t, id: 11111111-1111-4111-8111-111111111111, domain: t.example, kind: ${kind}, policies: [B2C_1_a] }
applications:
  - { name: api, displayName: API, clientId: 22222222-2222-4222-8222-222222222222, type: confidential, ${field} }
`.replace(kind === 'b2c' ? '' : ', policies: [B2C_1_a]', '');
    expect(problemsOf(yamlText)).toEqual([expect.stringContaining(`applications[0] (api).${problem}`)]);
  });

  it('keeps the validity dates of a certificate given by path', () => {
    const file = defaultRegistrationsPath().replace('registrations.yaml', 'keys/README.md');
    const yamlText = `tenants: [{ name: t, id: 11111111-1111-4111-8111-111111111111, domain: t.example }]
applications:
  - name: api
    displayName: API
    clientId: 22222222-2222-4222-8222-222222222222
    type: confidential
    certificates: [{ path: ${file}, endDateTime: '2023-01-01T00:00:00Z' }]
`;
    const cert = parseRegistrations(yamlText, '/tmp/registrations.yaml').applications[0]?.certificates[0];
    expect(cert).toMatchObject({ endDateTime: '2023-01-01T00:00:00Z', pem: expect.any(String) });
    expect(cert).not.toHaveProperty('path');
  });

  it('names the entry and field of a bad client id', () => {
    const broken = defaultYaml.replace(
      'clientId: 1c8d3e0f-2b5e-4f9c-8d4a-7e6f5b4c3d22',
      'clientId: not-a-guid',
    );
    expect(problemsOf(broken)).toEqual(['applications[1] (bff).clientId: must be a GUID']);
  });

  it('names a permission on a scope the resource does not expose', () => {
    const broken = defaultYaml.replace('delegated: [Program.Read]', 'delegated: [Program.Delete]');
    expect(problemsOf(broken)).toEqual([
      'applications[4] (documents-service).requiredResourceAccess[0] (program-service).delegated: program-service exposes no scope Program.Delete',
    ]);
  });

  it('rejects an application permission that is not an application role', () => {
    const reg = loadRegistrations();
    const bff = reg.applications.find((a) => a.name === 'bff')!;
    bff.requiredResourceAccess.push({
      resource: 'program-service',
      delegated: [],
      application: ['Underwriter'],
      consented: true,
    });
    expect(problemsOf(stringify(reg))[0]).toMatch(/program-service has no application role Underwriter/);
  });

  it('rejects duplicate client ids and unknown fields', () => {
    const reg = loadRegistrations() as unknown as { applications: Record<string, unknown>[] };
    reg.applications[1]!['clientId'] = reg.applications[0]!['clientId'];
    reg.applications[2]!['colour'] = 'blue';
    const problems = problemsOf(stringify(reg));
    expect(problems).toEqual([
      expect.stringMatching(/^applications\[2\] \(program-service\): Unrecognized key/),
    ]);
  });

  it('reports duplicate client ids after the schema passes', () => {
    const reg = loadRegistrations() as unknown as { applications: Record<string, unknown>[] };
    reg.applications[1]!['clientId'] = reg.applications[0]!['clientId'];
    expect(problemsOf(stringify(reg))).toEqual([
      `duplicate clientId ${String(reg.applications[0]!['clientId'])}`,
    ]);
  });

  it('refuses a secret on a public client', () => {
    const reg = loadRegistrations();
    reg.applications[0]!.secrets.push({ value: 'a-secret-of-sufficient-length' });
    expect(problemsOf(stringify(reg))).toEqual([
      'applications[0] (web): a spa is a public client and cannot have secrets, certificates or federated credentials',
    ]);
    const cli = loadRegistrations();
    cli.applications.find((a) => a.name === 'cli')!.secrets.push({ value: 'a-secret-of-sufficient-length' });
    expect(problemsOf(stringify(cli))).toEqual([
      'applications[5] (cli): a mobile and desktop (public) app is a public client and cannot have secrets, certificates or federated credentials',
    ]);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadRegistrations('/nonexistent/registrations.yaml')).toThrow(
      /cannot read the file: ENOENT/,
    );
  });
});
