import { loadRegistrations } from '@chain/local-tenant';

import { demoSeedFrom, stableUuid } from './demo-seed';

const registrations = loadRegistrations();
const tenantId = registrations.tenants[0]!.id;
const oidOf = (name: string) => registrations.users.find((u) => u.username.startsWith(`${name}@`))!.oid;

describe('demoSeedFrom', () => {
  const seed = demoSeedFrom(registrations, '2026-01-01T00:00:00.000Z');

  it('derives a member per broker and underwriter of the registrations file', () => {
    expect(seed.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tid: tenantId,
          oid: oidOf('alice'),
          role: 'broker',
          brokerage: 'Northwind',
        }),
        expect.objectContaining({ tid: tenantId, oid: oidOf('bob'), role: 'broker', brokerage: 'Fabrikam' }),
        expect.objectContaining({ tid: tenantId, oid: oidOf('uma'), role: 'underwriter' }),
      ]),
    );
    expect(seed.members.find((m) => m.oid === oidOf('uma'))).not.toHaveProperty('brokerage');
  });

  it('gives each demo brokerage sample programmes owned by its broker, with stable ids', () => {
    const owners = new Set(seed.programmes.map((p) => `${p.programme.brokerage}:${p.programme.ownerOid}`));
    expect(owners).toEqual(new Set([`Northwind:${oidOf('alice')}`, `Fabrikam:${oidOf('bob')}`]));
    const again = demoSeedFrom(registrations, '2027-01-01T00:00:00.000Z');
    expect(again.programmes.map((p) => p.programme.id)).toEqual(seed.programmes.map((p) => p.programme.id));
    expect(seed.programmes.map((p) => p.programme.status)).toEqual(
      expect.arrayContaining(['draft', 'submitted']),
    );
  });

  it('skips samples of a brokerage that has no broker', () => {
    const withoutBob = { ...registrations, users: registrations.users.filter((u) => u.oid !== oidOf('bob')) };
    const partial = demoSeedFrom(withoutBob, '2026-01-01T00:00:00.000Z');
    expect(partial.programmes.every((p) => p.programme.brokerage === 'Northwind')).toBe(true);
    expect(partial.programmes.length).toBeGreaterThan(0);
  });
});

describe('stableUuid', () => {
  it('is a well-formed UUID that depends only on its name', () => {
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
  });
});
