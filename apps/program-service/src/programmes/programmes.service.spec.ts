import type { Clock } from '../common/clock/clock';
import { parseProgramServiceEnv } from '../config/program-service.config';
import { type Member, MemberRole } from '../members/member.model';
import { MemberRepository } from '../members/member.repository';
import { MembershipService } from '../members/membership.service';
import type { Programme, ProgrammeStatus, ProgrammeTerms } from './programme.model';
import {
  type NewProgramme,
  type ProgrammeChanges,
  ProgrammeRepository,
  type VisibilityFilter,
} from './programme.repository';
import type { ProgrammeCaller } from './programme-access.policy';
import {
  ApprovalStepUpRequiredError,
  EmptyUpdateError,
  NotABrokerError,
  NotOwnerError,
  ProgrammeNotFoundError,
  ProgrammeStatusConflictError,
} from './programmes.errors';
import { ProgrammesService } from './programmes.service';

const TID = 'tenant-1';
const NOW = new Date('2026-03-04T05:06:07.000Z');
const TERMS: ProgrammeTerms = {
  name: 'Warehouses',
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: 1_000_000,
  currency: 'GBP',
};

/** In-memory fake of the repository port with the same visibility semantics as the SQL one. */
class FakeProgrammeRepository extends ProgrammeRepository {
  readonly rows = new Map<string, Programme>();
  private next = 1;

  async findById(tid: string, id: string) {
    return tid === TID ? this.rows.get(id) : undefined;
  }
  async list(_tid: string, f: VisibilityFilter) {
    return [...this.rows.values()].filter(
      (p) =>
        (p.brokerage === f.brokerage || (f.allNonDrafts && p.status !== 'draft')) &&
        (!f.status || p.status === f.status),
    );
  }
  async insert(_tid: string, p: NewProgramme) {
    const id = p.id ?? `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
    const programme: Programme = { ...p, id, updatedAt: p.createdAt };
    this.rows.set(id, programme);
    return programme;
  }
  async updateIfStatus(_tid: string, id: string, expected: ProgrammeStatus, changes: ProgrammeChanges) {
    const current = this.rows.get(id);
    if (current?.status !== expected) return undefined;
    const updated = { ...current, ...changes };
    this.rows.set(id, updated);
    return updated;
  }
}

class FakeMemberRepository extends MemberRepository {
  constructor(private readonly members: Member[]) {
    super();
  }
  async find(tid: string, oid: string) {
    return this.members.find((m) => m.tid === tid && m.oid === oid);
  }
  async save() {}
  async remove() {
    return false;
  }
}

function caller(oid: string, extra: Partial<ProgrammeCaller> = {}): ProgrammeCaller {
  return { tid: TID, oid, roles: [], authMethods: ['pwd'], authContexts: [], ...extra };
}

const alice = caller('alice');
const alice2 = caller('alice-colleague');
const bob = caller('bob');
const uma = caller('uma', { roles: ['Underwriter'] });
const umaMfa = caller('uma', { roles: ['Underwriter'], authMethods: ['pwd', 'mfa'] });
const umaC1 = caller('uma', { roles: ['Underwriter'], authContexts: ['c1'] });

describe('ProgrammesService', () => {
  let repo: FakeProgrammeRepository;
  let service: ProgrammesService;

  beforeEach(() => {
    repo = new FakeProgrammeRepository();
    const members = new FakeMemberRepository([
      { tid: TID, oid: 'alice', role: MemberRole.Broker, brokerage: 'Northwind' },
      { tid: TID, oid: 'alice-colleague', role: MemberRole.Broker, brokerage: 'Northwind' },
      { tid: TID, oid: 'bob', role: MemberRole.Broker, brokerage: 'Fabrikam' },
      { tid: TID, oid: 'uma', role: MemberRole.Underwriter },
    ]);
    const clock: Clock = { now: () => NOW };
    const config = parseProgramServiceEnv({
      AUTH_ISSUERS: 'https://idp.test/tenant-1/v2.0',
      AUTH_JWKS_URI: 'https://idp.test/tenant-1/discovery/v2.0/keys',
      AUTH_AUDIENCES: 'api://program-service',
    });
    service = new ProgrammesService(repo, new MembershipService(members, config), clock, config);
  });

  it('creates a draft in the broker’s brokerage, owned by the caller, stamped by the clock', async () => {
    const created = await service.create(alice, TERMS);
    expect(created).toMatchObject({ ...TERMS, brokerage: 'Northwind', ownerOid: 'alice', status: 'draft' });
    expect(created.createdAt).toBe(NOW.toISOString());
  });

  it('refuses creation by someone who is not a broker', async () => {
    await expect(service.create(uma, TERMS)).rejects.toBeInstanceOf(NotABrokerError);
    await expect(service.create(caller('stranger'), TERMS)).rejects.toBeInstanceOf(NotABrokerError);
  });

  it('shows a programme to its brokerage and answers 404 to another brokerage, every time', async () => {
    const p = await service.create(alice, TERMS);
    await expect(service.get(alice2, p.id)).resolves.toMatchObject({ id: p.id });
    for (let i = 0; i < 3; i += 1)
      await expect(service.get(bob, p.id)).rejects.toBeInstanceOf(ProgrammeNotFoundError);
    await expect(service.get(bob, 'no-such-id')).rejects.toBeInstanceOf(ProgrammeNotFoundError);
  });

  it('lists a broker their brokerage’s programmes and an underwriter everything past draft', async () => {
    const draft = await service.create(alice, TERMS);
    const submitted = await service.submit(bob, (await service.create(bob, TERMS)).id);
    expect((await service.list(alice)).map((p) => p.id)).toEqual([draft.id]);
    expect((await service.list(uma)).map((p) => p.id)).toEqual([submitted.id]);
    await expect(service.get(uma, draft.id)).rejects.toBeInstanceOf(ProgrammeNotFoundError);
    expect(await service.list(caller('stranger'))).toEqual([]);
  });

  it('lets only the owner edit, and only while draft', async () => {
    const p = await service.create(alice, TERMS);
    await expect(service.update(alice2, p.id, { name: 'x' })).rejects.toBeInstanceOf(NotOwnerError);
    await expect(service.update(bob, p.id, { name: 'x' })).rejects.toBeInstanceOf(ProgrammeNotFoundError);
    await expect(service.update(alice, p.id, { insuredValue: 2_000_000 })).resolves.toMatchObject({
      insuredValue: 2_000_000,
    });
    await service.submit(alice, p.id);
    await expect(service.update(alice, p.id, { name: 'x' })).rejects.toBeInstanceOf(
      ProgrammeStatusConflictError,
    );
  });

  it('refuses an update that changes nothing', async () => {
    const p = await service.create(alice, TERMS);
    await expect(service.update(alice, p.id, {})).rejects.toBeInstanceOf(EmptyUpdateError);
  });

  it('lets only the owner submit, once', async () => {
    const p = await service.create(alice, TERMS);
    await expect(service.submit(alice2, p.id)).rejects.toBeInstanceOf(NotOwnerError);
    await expect(service.submit(alice, p.id)).resolves.toMatchObject({ status: 'submitted' });
    await expect(service.submit(alice, p.id)).rejects.toBeInstanceOf(ProgrammeStatusConflictError);
  });

  it('challenges an approval without MFA with the exact Entra claims challenge', async () => {
    const p = await service.submit(alice, (await service.create(alice, TERMS)).id);
    const error = await service.approve(uma, p.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalStepUpRequiredError);
    const challenge = (error as ApprovalStepUpRequiredError).wwwAuthenticate!;
    expect(challenge).toContain('realm=""');
    expect(challenge).toContain('authorization_uri="https://idp.test/tenant-1/oauth2/v2.0/authorize"');
    expect(challenge).toContain('error="insufficient_claims"');
    const claims = /claims="([^"]+)"/.exec(challenge)![1]!;
    expect(JSON.parse(Buffer.from(claims, 'base64').toString('utf8'))).toEqual({
      access_token: { acrs: { essential: true, value: 'c1' } },
    });
    expect(challenge).toMatch(/^Bearer /);
  });

  it('challenges before revealing whether the programme exists', async () => {
    await expect(service.approve(uma, 'no-such-id')).rejects.toBeInstanceOf(ApprovalStepUpRequiredError);
  });

  it('approves a submitted programme for an underwriter with acrs c1 or amr mfa', async () => {
    const first = await service.submit(alice, (await service.create(alice, TERMS)).id);
    await expect(service.approve(umaC1, first.id)).resolves.toMatchObject({
      status: 'approved',
      approvedBy: 'uma',
    });
    await expect(service.approve(umaMfa, first.id)).rejects.toBeInstanceOf(ProgrammeStatusConflictError);
    const second = await service.submit(bob, (await service.create(bob, TERMS)).id);
    await expect(service.approve(umaMfa, second.id)).resolves.toMatchObject({ status: 'approved' });
  });

  it('does not let an underwriter approve a draft it cannot see', async () => {
    const draft = await service.create(alice, TERMS);
    await expect(service.approve(umaC1, draft.id)).rejects.toBeInstanceOf(ProgrammeNotFoundError);
  });
});
