import { type ApplicationRegistration, loadRegistrations, type Registrations } from '@chain/local-tenant';

/** A generated load-test user (added to the emulator's registrations for the bench only). */
export interface BenchUser {
  readonly username: string;
  readonly password: string;
  readonly oid: string;
}

/** `count` deterministic users, so the emulator process and the bench agree without passing secrets around. */
export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return {
      username: `bench${n}@contoso-brokers.onmicrosoft.com`,
      password: `Passw0rd!bench${n}`,
      oid: `be4c0000-0000-4000-8000-00000000${n}`,
    };
  });
}

/** The project's registrations plus the generated users. */
export function benchRegistrations(userCount: number): Registrations {
  const registrations = loadRegistrations();
  for (const user of benchUsers(userCount)) {
    registrations.users.push({
      username: user.username,
      displayName: user.username,
      oid: user.oid,
      password: user.password,
      attributes: {},
      appRoleAssignments: [],
      customAttributes: {},
    });
  }
  return registrations;
}

export function application(registrations: Registrations, name: string): ApplicationRegistration {
  const found = registrations.applications.find((a) => a.name === name);
  if (found === undefined) throw new Error(`no application ${name} in the registrations`);
  return found;
}

/** The bff's downstreams as the chain declares them (docs/CONTRACTS.md), by name. */
export const BFF_DOWNSTREAMS = {
  PROGRAM: {
    flow: 'on-behalf-of',
    scopes: ['api://program-service/Program.ReadWrite'],
    resource: 'program-service',
  },
  DOCUMENTS: {
    flow: 'on-behalf-of',
    scopes: ['api://documents-service/Documents.ReadWrite'],
    resource: 'documents-service',
  },
  PRICING: {
    flow: 'client-credentials',
    scopes: ['api://pricing-service/.default'],
    resource: 'pricing-service',
  },
} as const;

export type BffDownstreamName = keyof typeof BFF_DOWNSTREAMS;
