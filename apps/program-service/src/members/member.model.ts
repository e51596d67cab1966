/** What a member does in the chain; brokers belong to a brokerage. */
export const MemberRole = { Broker: 'broker', Underwriter: 'underwriter' } as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];

/** A row of the members table: who (tenant + object id) belongs to which brokerage in which role. */
export interface Member {
  readonly tid: string;
  readonly oid: string;
  readonly role: MemberRole;
  /** Set for brokers. */
  readonly brokerage?: string;
  readonly displayName?: string;
}
