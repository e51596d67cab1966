import { buildBearerChallenge, ChainError } from '@chain/auth';
import { IdempotencyKeyReusedError } from '@chain/platform';

import { MembershipSource } from '../config/program-service.config';
import { APPROVAL_CLAIMS_REQUEST } from './programme.permissions';

/**
 * program-service's own problem codes (docs/CONTRACTS.md "Errors"), beside the generic ones of
 * @chain/auth: a client branches on them, so extend the list, never rename an entry.
 */
export const PROGRAM_ERROR_TITLES = {
  not_owner: 'Only the owner may do this',
  not_a_broker: 'Only a broker may do this',
} as const;
type ProgramErrorCode = keyof typeof PROGRAM_ERROR_TITLES;

/** An error with one of program-service's own codes. */
abstract class ProgramError extends ChainError<ProgramErrorCode> {
  override get title(): string {
    return PROGRAM_ERROR_TITLES[this.code];
  }
}

/** Absent and invisible are one answer, so that existence never leaks across brokerages. */
export class ProgrammeNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('No programme with this id exists or it is not visible to you.');
  }
}

/** The programme is visible to the caller but only its owner may change it. */
export class NotOwnerError extends ProgramError {
  readonly code = 'not_owner';
  readonly status = 403;

  constructor() {
    super('Only the broker who owns this programme may change it.');
  }
}

/** What {@link NotABrokerError} needs to name the fix. */
export interface NotABrokerContext {
  readonly tid: string;
  readonly oid: string;
  readonly source: MembershipSource;
  readonly brokerRolePrefix: string;
  /** The user was conveyed by verified delegation: app roles cannot make a broker, only the table can. */
  readonly delegated?: boolean;
  /** The token's brokerage app roles when it carries more than one. */
  readonly conflictingRoles?: readonly string[];
}

/**
 * Creating a programme needs a brokerage and the caller has none (or the token names several). The detail
 * names the fix for the configured `MEMBERSHIP_SOURCE`: which app role to assign, or which admin path fills
 * the members table (docs/configuration.md "Who is a broker").
 */
export class NotABrokerError extends ProgramError {
  readonly code = 'not_a_broker';
  readonly status = 403;

  constructor(context: NotABrokerContext) {
    super(notABrokerDetail(context));
  }
}

export function notABrokerDetail(context: NotABrokerContext): string {
  const { tid, oid, source, brokerRolePrefix: prefix, conflictingRoles } = context;
  if (conflictingRoles !== undefined && conflictingRoles.length > 1)
    return (
      `Only brokers of one brokerage may create programmes, and your token names several (${conflictingRoles.join(', ')}). ` +
      'Fix: keep one of these app role assignments on program-service (Enterprise applications → program-service → ' +
      'Users and groups; a group assignment counts too), then sign in again.'
    );
  const role =
    `assign the user (tid ${tid}, oid ${oid}) or a group they belong to the app role ${prefix}<brokerage> ` +
    'on program-service (Enterprise applications → program-service → Users and groups), then sign in again';
  const table =
    `add the user to program-service's members table: an Underwriter calls PUT /members/${tid}/${oid} ` +
    `with {"brokerage":"<brokerage>"}, or an operator runs npm run members -- add ${tid} ${oid} <brokerage>`;
  if (context.delegated === true) {
    const enable =
      source === MembershipSource.Claims
        ? 'set MEMBERSHIP_SOURCE=claims-then-table (or table) on program-service, then '
        : '';
    return (
      'Only brokers of a brokerage may create programmes, and you belong to none. You were conveyed by verified ' +
      "delegation, so a brokerage comes from program-service's members table only (no calling app can grant one). " +
      `Fix: ${enable}${table}.`
    );
  }
  const fix =
    source === MembershipSource.Claims
      ? role
      : source === MembershipSource.Table
        ? table
        : `${role}; or ${table}`;
  return `Only brokers of a brokerage may create programmes, and you belong to none. Fix: ${fix}.`;
}

/** The action does not fit the programme's current status (or the status changed meanwhile). */
export class ProgrammeStatusConflictError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor(action: string, actual: string, required: string) {
    super(
      actual === 'changed'
        ? `Cannot ${action}: the programme changed meanwhile; reload it and retry.`
        : `Cannot ${action}: the programme is ${actual}; it must be ${required}.`,
    );
  }
}

/** 422: this `Idempotency-Key` already created a programme with other terms; use a new key for a new programme. */
export const createKeyReused = (): IdempotencyKeyReusedError =>
  new IdempotencyKeyReusedError(
    'This Idempotency-Key already created a programme with other terms; use a new key for a new programme.',
  );

/** `PATCH` with nothing to change. */
export class EmptyUpdateError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor() {
    super('Send at least one of name, lineOfBusiness, region, insuredValue, currency.');
  }
}

/**
 * Approval needs a step-up token: Entra's claims challenge (docs/entra-protocol.md#claims-challenges-and-step-up), a 401 whose
 * `WWW-Authenticate` tells the client which claims to ask for; the BFF relays it to the SPA.
 */
export class ApprovalStepUpRequiredError extends ChainError {
  readonly code = 'claims_challenge';
  readonly status = 401;

  constructor(authority: string) {
    super('Approving a programme needs a multi-factor sign-in (authentication context c1).');
    this.wwwAuthenticate = buildBearerChallenge({
      realm: '',
      authorizationUri: `${authority}/oauth2/v2.0/authorize`,
      error: 'insufficient_claims',
      claims: Buffer.from(JSON.stringify(APPROVAL_CLAIMS_REQUEST)).toString('base64'),
    });
  }
}
