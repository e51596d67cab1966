import { parseProgramServiceEnv } from '../config/program-service.config';
import { notABrokerDetail } from '../programmes/programmes.errors';
import type { Member } from './member.model';
import { MemberRepository } from './member.repository';
import { brokerageFromRoles, decideMembership } from './membership';
import { MembershipService } from './membership.service';

const AUTH = {
  AUTH_ISSUERS: 'https://idp.test/tenant-1/v2.0',
  AUTH_JWKS_URI: 'https://idp.test/tenant-1/discovery/v2.0/keys',
  AUTH_AUDIENCES: 'api://program-service',
};
const row = { tid: 't', oid: 'o', role: 'broker', brokerage: 'Northwind' } as const;

describe('brokerageFromRoles', () => {
  it('reads Broker.<brokerage> roles and ignores others, the bare prefix and duplicates', () => {
    expect(brokerageFromRoles(['Underwriter', 'Broker.', 'Brokerage'], 'Broker.')).toEqual({ kind: 'none' });
    expect(brokerageFromRoles(['Underwriter', 'Broker.Contoso', 'Broker.Contoso'], 'Broker.')).toEqual({
      kind: 'one',
      brokerage: 'Contoso',
    });
    expect(brokerageFromRoles(['Broker.B', 'Broker.A'], 'Broker.')).toEqual({
      kind: 'several',
      brokerages: ['A', 'B'],
    });
  });
});

describe('decideMembership', () => {
  const one = { kind: 'one', brokerage: 'Fabrikam' } as const;
  const several = { kind: 'several', brokerages: ['A', 'B'] } as const;

  it('claims: the role decides and the table is ignored', () => {
    expect(decideMembership('claims', one, row, 'Broker.')).toEqual({
      brokerage: 'Fabrikam',
      source: 'claims',
    });
    expect(decideMembership('claims', { kind: 'none' }, row, 'Broker.')).toEqual({});
  });

  it('table: the row decides and roles are ignored; an underwriter row is no broker', () => {
    expect(decideMembership('table', one, row, 'Broker.')).toEqual({
      brokerage: 'Northwind',
      source: 'table',
    });
    expect(decideMembership('table', one, { tid: 't', oid: 'o', role: 'underwriter' }, 'Broker.')).toEqual(
      {},
    );
  });

  it('claims-then-table: the role first, the row without one, never the row over conflicting roles', () => {
    expect(decideMembership('claims-then-table', one, row, 'Broker.')).toMatchObject({
      brokerage: 'Fabrikam',
    });
    expect(decideMembership('claims-then-table', { kind: 'none' }, row, 'Broker.')).toMatchObject({
      brokerage: 'Northwind',
    });
    expect(decideMembership('claims-then-table', several, row, 'Broker.')).toEqual({
      conflictingRoles: ['Broker.A', 'Broker.B'],
    });
  });
});

describe('membership variables', () => {
  it('default to claims-then-table and Broker.', () => {
    expect(parseProgramServiceEnv(AUTH)).toMatchObject({
      MEMBERSHIP_SOURCE: 'claims-then-table',
      MEMBERSHIP_BROKER_ROLE_PREFIX: 'Broker.',
    });
  });

  it('name a bad source or a prefix no app role value could start with', () => {
    expect(() => parseProgramServiceEnv({ ...AUTH, MEMBERSHIP_SOURCE: 'groups' })).toThrow(
      /MEMBERSHIP_SOURCE: must be one of claims, table, claims-then-table/,
    );
    expect(() => parseProgramServiceEnv({ ...AUTH, MEMBERSHIP_BROKER_ROLE_PREFIX: 'Broker ' })).toThrow(
      /MEMBERSHIP_BROKER_ROLE_PREFIX: must be characters an app role value may hold/,
    );
    expect(() => parseProgramServiceEnv({ ...AUTH, MEMBERSHIP_BROKER_ROLE_PREFIX: '.B' })).toThrow(
      /must not start with "."/,
    );
  });
});

class OneRowRepository extends MemberRepository {
  reads = 0;
  constructor(private readonly member: Member) {
    super();
  }
  async find(tid: string, oid: string) {
    this.reads += 1;
    return tid === this.member.tid && oid === this.member.oid ? this.member : undefined;
  }
  async save() {}
  async remove() {
    return false;
  }
}

describe('MembershipService', () => {
  const service = (source: string) => {
    const members = new OneRowRepository(row);
    return {
      members,
      service: new MembershipService(members, parseProgramServiceEnv({ ...AUTH, MEMBERSHIP_SOURCE: source })),
    };
  };

  it('does not read the table when the token names one brokerage (claims-then-table)', async () => {
    const { members, service: s } = service('claims-then-table');
    await expect(s.of({ tid: 't', oid: 'o', roles: ['Broker.Fabrikam'] })).resolves.toEqual({
      brokerage: 'Fabrikam',
      source: 'claims',
    });
    expect(members.reads).toBe(0);
  });

  it('ignores Broker roles of a user conveyed by verified delegation: no calling app grants a brokerage', async () => {
    const delegated = { tid: 't', oid: 'o', roles: ['Broker.Fabrikam'], delegatedBy: 'bff-client-id' };
    await expect(service('claims-then-table').service.of(delegated)).resolves.toEqual({
      brokerage: 'Northwind',
      source: 'table',
    });
    await expect(service('claims').service.of(delegated)).resolves.toEqual({});
    await expect(service('claims').service.of({ ...delegated, oid: 'other' })).resolves.toEqual({});
  });
});

describe('notABrokerDetail', () => {
  const base = { tid: 'T', oid: 'O', brokerRolePrefix: 'Broker.' } as const;

  it('names the role, the table or both, after the source', () => {
    expect(notABrokerDetail({ ...base, source: 'claims' })).toMatch(
      /app role Broker\.<brokerage>.*then sign in again\.$/,
    );
    expect(notABrokerDetail({ ...base, source: 'table' })).toContain('PUT /members/T/O');
    expect(notABrokerDetail({ ...base, source: 'claims-then-table' })).toMatch(
      /Broker\.<brokerage>.*; or .*npm run members -- add T O <brokerage>/,
    );
  });

  it('sends a delegated user to the table, and says to enable it when the source is claims', () => {
    const claims = notABrokerDetail({ ...base, source: 'claims', delegated: true });
    expect(claims).toContain('verified delegation');
    expect(claims).toContain('set MEMBERSHIP_SOURCE=claims-then-table');
    expect(claims).toContain('PUT /members/T/O');
    expect(claims).not.toContain('app role Broker');
    expect(notABrokerDetail({ ...base, source: 'table', delegated: true })).not.toContain(
      'MEMBERSHIP_SOURCE',
    );
  });
});
