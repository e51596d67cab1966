import { ChainError } from '@chain/auth';

/** A `tid` or `oid` in the path is not a GUID: no Entra tenant or user has such an id. */
export class MalformedMemberIdError extends ChainError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(parameter: 'tid' | 'oid') {
    super(`${parameter} must be a GUID (the ${parameter === 'tid' ? 'tenant' : "user's object"} id).`);
  }
}

/** An underwriter manages the members of their own tenant only. */
export class OtherTenantMemberError extends ChainError {
  readonly code = 'token_tenant_not_allowed';
  readonly status = 403;

  constructor() {
    super('You may manage the members of your own tenant only: use the tid of your token.');
  }
}

/** No row for this user in the members table. */
export class MemberNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('This user is not in the members table.');
  }
}

/** `MEMBERSHIP_SOURCE=claims`: a row written now would never be read. */
export class MembersTableUnusedError extends ChainError {
  readonly code = 'conflict';
  readonly status = 409;

  constructor(brokerRolePrefix: string) {
    super(
      `program-service reads brokerages from app roles only (MEMBERSHIP_SOURCE=claims), so this row would never be read. ` +
        `Assign the app role ${brokerRolePrefix}<brokerage> on program-service instead, or set MEMBERSHIP_SOURCE=claims-then-table.`,
    );
  }
}
