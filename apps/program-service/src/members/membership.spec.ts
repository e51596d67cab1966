import { parseProgramServiceEnv } from '../config/program-service.config';
import { brokerageFromRoles, decideMembership } from './membership';

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
