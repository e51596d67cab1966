import { createHash } from 'node:crypto';

import type { Registrations } from '@chain/local-tenant';

import { type Member, MemberRole } from '../members/member.model';
import type { ProgrammeStatus, ProgrammeTerms } from '../programmes/programme.model';
import type { NewProgramme } from '../programmes/programme.repository';

/** What `PROGRAM_SEED=demo` writes: the members of the registrations and sample programmes. */
export interface DemoSeed {
  readonly members: readonly Member[];
  readonly programmes: readonly { readonly tid: string; readonly programme: NewProgramme }[];
}

interface SampleProgramme extends ProgrammeTerms {
  readonly key: string;
  readonly brokerage: string;
  readonly status: ProgrammeStatus;
}

/** Sample programmes for the demo brokerages; a brokerage without a broker gets none. */
const SAMPLES: readonly SampleProgramme[] = [
  {
    key: 'nw-1',
    brokerage: 'Northwind',
    name: 'Northwind warehouses 2027',
    lineOfBusiness: 'property',
    region: 'uk',
    insuredValue: 48_000_000,
    currency: 'GBP',
    status: 'draft',
  },
  {
    key: 'nw-2',
    brokerage: 'Northwind',
    name: 'Northwind hull and cargo',
    lineOfBusiness: 'marine',
    region: 'eu',
    insuredValue: 12_500_000,
    currency: 'EUR',
    status: 'submitted',
  },
  {
    key: 'fb-1',
    brokerage: 'Fabrikam',
    name: 'Fabrikam data centres cyber',
    lineOfBusiness: 'cyber',
    region: 'us',
    insuredValue: 30_000_000,
    currency: 'USD',
    status: 'submitted',
  },
  {
    key: 'fb-2',
    brokerage: 'Fabrikam',
    name: 'Fabrikam general liability',
    lineOfBusiness: 'casualty',
    region: 'apac',
    insuredValue: 8_000_000,
    currency: 'USD',
    status: 'draft',
  },
];

/**
 * Derives the demo data from the registrations file (docs/identity-modes.md: configuration is derived from it,
 * never duplicated): users with `attributes.role` broker/underwriter become members; sample
 * programmes are owned by the first broker of their brokerage and get stable ids, so reseeding is a no-op.
 */
export function demoSeedFrom(registrations: Registrations, createdAt: string): DemoSeed {
  const members = membersOf(registrations);
  const programmes = SAMPLES.flatMap((sample) => {
    const owner = members.find((m) => m.role === MemberRole.Broker && m.brokerage === sample.brokerage);
    if (owner === undefined) return [];
    const { key, ...terms } = sample;
    const programme: NewProgramme = {
      ...terms,
      id: stableUuid(`${owner.tid}/${key}`),
      ownerOid: owner.oid,
      createdAt,
    };
    return [{ tid: owner.tid, programme }];
  });
  return { members, programmes };
}

function membersOf(registrations: Registrations): Member[] {
  const defaultTenant = registrations.tenants[0];
  return registrations.users.flatMap((user): Member[] => {
    const tenant = registrations.tenants.find((t) => t.name === user.tenant) ?? defaultTenant;
    const role = user.attributes['role'];
    const brokerage = user.attributes['brokerage'];
    if (tenant === undefined) return [];
    if (role === MemberRole.Broker && brokerage !== undefined) {
      return [{ tid: tenant.id, oid: user.oid, role, brokerage, displayName: user.displayName }];
    }
    if (role === MemberRole.Underwriter) {
      return [{ tid: tenant.id, oid: user.oid, role, displayName: user.displayName }];
    }
    return [];
  });
}

/** A UUID derived from a name (hash-based, like RFC 9562 v5 but SHA-256), stable across runs. */
export function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
