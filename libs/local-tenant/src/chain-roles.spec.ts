import { readFileSync } from 'node:fs';

import { parse, stringify } from 'yaml';

import { applicationFor, roleOf } from './chain-roles';
import {
  defaultRegistrationsPath,
  loadRegistrations,
  parseRegistrations,
  RegistrationsError,
} from './load-registrations';

describe('chain roles: which registration plays which part of the chain', () => {
  const reg = loadRegistrations();

  it('takes the part from `role`, else from a name that names a part, else none', () => {
    expect(roleOf({ name: 'policy-api', role: 'program-service' })).toBe('program-service');
    expect(roleOf({ name: 'bff' })).toBe('bff');
    expect(roleOf({ name: 'partner-batch' })).toBeUndefined();
  });

  it('finds the application of a part, else by name, and names the fix when none plays it', () => {
    expect(applicationFor(reg, 'bff').name).toBe('bff');
    expect(applicationFor(reg, 'cli').name).toBe('cli');
    const renamed = {
      ...reg,
      applications: reg.applications.map((a) =>
        a.name === 'bff' ? { ...a, name: 'gateway', role: 'bff' as const } : a,
      ),
    };
    expect(applicationFor(renamed, 'bff').name).toBe('gateway');
    const without = { ...reg, applications: reg.applications.filter((a) => a.name !== 'bff') };
    expect(() => applicationFor(without, 'bff')).toThrow(
      'no application plays bff (give one `role: bff`, or name it bff)',
    );
  });

  it('refuses a file in which two applications play the same part', () => {
    const raw = parse(readFileSync(defaultRegistrationsPath(), 'utf8')) as {
      applications: Array<Record<string, unknown>>;
    };
    const pricing = raw.applications.find((a) => a['name'] === 'pricing-service');
    if (pricing !== undefined) pricing['role'] = 'program-service';
    let problems: readonly string[] = [];
    try {
      parseRegistrations(stringify(raw), '/tmp/registrations.yaml');
    } catch (error) {
      if (!(error instanceof RegistrationsError)) throw error;
      problems = error.problems;
    }
    expect(problems).toContain('duplicate chain role program-service');
  });
});
