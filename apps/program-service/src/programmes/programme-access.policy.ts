import type { Membership } from '../members/membership';
import type { Programme, ProgrammeStatus } from './programme.model';
import { ApprovalStepUp, ProgramAppRole } from './programme.permissions';
import type { VisibilityFilter } from './programme.repository';

/** The parts of a validated user token the programme rules read (a `Principal` satisfies it). */
export interface ProgrammeCaller {
  readonly tid: string;
  readonly oid: string;
  readonly roles: readonly string[];
  readonly authMethods: readonly string[];
  readonly authContexts: readonly string[];
  /** Set when the user was conveyed by verified delegation (B2C). */
  readonly delegatedBy?: string | undefined;
}

/** Who is looking: a broker of one brokerage, an underwriter, both, or neither. */
export interface Viewer {
  readonly tid: string;
  readonly oid: string;
  /** The caller's brokerage: from a `Broker.<brokerage>` app role or the members table (`MEMBERSHIP_SOURCE`). */
  readonly brokerage?: string;
  /** Underwriters are those Entra assigned the app role, not those the table says. */
  readonly isUnderwriter: boolean;
}

export function viewerOf(caller: ProgrammeCaller, membership: Membership): Viewer {
  const brokerage = membership.brokerage;
  return {
    tid: caller.tid,
    oid: caller.oid,
    ...(brokerage === undefined ? {} : { brokerage }),
    isUnderwriter: caller.roles.includes(ProgramAppRole.Underwriter),
  };
}

/** Brokers see their brokerage's programmes; underwriters see every programme that left draft. */
export function canSee(viewer: Viewer, programme: Programme): boolean {
  if (viewer.brokerage !== undefined && programme.brokerage === viewer.brokerage) return true;
  return viewer.isUnderwriter && programme.status !== 'draft';
}

/** The same rule as {@link canSee}, as a query filter. */
export function visibilityFilter(viewer: Viewer, status?: ProgrammeStatus): VisibilityFilter {
  return {
    ...(viewer.brokerage === undefined ? {} : { brokerage: viewer.brokerage }),
    allNonDrafts: viewer.isUnderwriter,
    ...(status === undefined ? {} : { status }),
  };
}

export function isOwner(viewer: Viewer, programme: Programme): boolean {
  return programme.ownerOid === viewer.oid;
}

/** Whether the token proves the step-up approval requires (`acrs` c1 or `amr` mfa). */
export function hasApprovalStepUp(caller: ProgrammeCaller): boolean {
  return (
    caller.authContexts.includes(ApprovalStepUp.authContext) ||
    caller.authMethods.includes(ApprovalStepUp.authMethod)
  );
}
