import { parseProgramServiceEnv } from '../config/program-service.config';
import type { Member } from './member.model';
import { MemberRole } from './member.model';
import { MemberRepository } from './member.repository';
import { MEMBERSHIP_CACHE_TTL_MS, MembershipService } from './membership.service';

class CountingMembers extends MemberRepository {
  finds = 0;
  constructor(private readonly rows: Map<string, Member>) {
    super();
  }
  find(tid: string, oid: string): Promise<Member | undefined> {
    this.finds++;
    return Promise.resolve(this.rows.get(`${tid}/${oid}`));
  }
  save(member: Member): Promise<void> {
    this.rows.set(`${member.tid}/${member.oid}`, member);
    return Promise.resolve();
  }
  remove(tid: string, oid: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(`${tid}/${oid}`));
  }
}

describe('MembershipService: the members-table row, reused briefly per caller', () => {
  const config = parseProgramServiceEnv({
    AUTH_ISSUERS: 'https://idp.test/tenant-1/v2.0',
    AUTH_JWKS_URI: 'https://idp.test/tenant-1/discovery/v2.0/keys',
    AUTH_AUDIENCES: 'api://program-service',
  });
  const alice = { tid: 't1', oid: 'alice', roles: [] as string[] };
  const aliceRow: Member = { tid: 't1', oid: 'alice', role: MemberRole.Broker, brokerage: 'Northwind' };

  afterEach(() => jest.useRealTimers());

  it('reads the table once per caller within the TTL, again after it and after forget()', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const members = new CountingMembers(new Map([['t1/alice', aliceRow]]));
    const service = new MembershipService(members, config);
    expect(await service.of(alice)).toEqual({ brokerage: 'Northwind', source: 'table' });
    expect(await service.of(alice)).toEqual({ brokerage: 'Northwind', source: 'table' });
    expect(members.finds).toBe(1);
    await service.of({ ...alice, oid: 'bob' }); // no row: not kept, so a member just added counts at once
    await service.of({ ...alice, oid: 'bob' });
    expect(members.finds).toBe(3);

    await members.remove('t1', 'alice'); // removed elsewhere (another replica): seen once the TTL has passed
    expect(await service.of(alice)).toEqual({ brokerage: 'Northwind', source: 'table' });
    jest.advanceTimersByTime(MEMBERSHIP_CACHE_TTL_MS + 1);
    expect(await service.of(alice)).toEqual({});
    expect(members.finds).toBe(4);

    await members.save(aliceRow);
    expect(await service.of(alice)).toEqual({ brokerage: 'Northwind', source: 'table' });
    await members.remove('t1', 'alice'); // removed through /members here: forget() drops it at once
    service.forget('t1', 'alice');
    expect(await service.of(alice)).toEqual({});
    expect(members.finds).toBe(6);
  });

  it('does not read the table for a token that names one brokerage', async () => {
    const members = new CountingMembers(new Map());
    const service = new MembershipService(members, config);
    expect(await service.of({ ...alice, roles: ['Broker.Fabrikam'] })).toEqual({
      brokerage: 'Fabrikam',
      source: 'claims',
    });
    expect(members.finds).toBe(0);
  });
});
