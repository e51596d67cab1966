import type { Member } from './member.model';

/** Port: the members table, keyed by `(tid, oid)` (Entra's stable user key, docs/entra-protocol.md#access-token-claims). */
export abstract class MemberRepository {
  abstract find(tid: string, oid: string): Promise<Member | undefined>;
  /** Inserts or replaces a member. */
  abstract save(member: Member): Promise<void>;
  /** Deletes a member; false when there was none. */
  abstract remove(tid: string, oid: string): Promise<boolean>;
}
