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

/**
 * A brokerage id: what follows `Broker.` in an app role value, so only characters a role value may hold and
 * no spaces (https://learn.microsoft.com/graph/api/resources/approle, property `value`).
 */
export const BROKERAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What {@link BROKERAGE_ID} allows, in words. */
export const BROKERAGE_ID_RULE = '1-64 letters, digits, "_", "." or "-", starting with a letter or digit';
