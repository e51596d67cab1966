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
    expect(reg.users.map((u) => u.username.split('@')[0])).toEqual(['alice', 'bob', 'uma']);
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
      'applications[0] (web): a spa is a public client and cannot have secrets or certificates',
    ]);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadRegistrations('/nonexistent/registrations.yaml')).toThrow(
      /cannot read the file: ENOENT/,
    );
  });
});
