import { buildBearerChallenge, ChainError } from '@chain/auth';
import { IdempotencyKeyReusedError } from '@chain/platform';

import { APPROVAL_CLAIMS_REQUEST } from './programme.permissions';

/** Absent and invisible are one answer, so that existence never leaks across brokerages. */
export class ProgrammeNotFoundError extends ChainError {
  readonly code = 'not_found';
  readonly status = 404;

  constructor() {
    super('No programme with this id exists or it is not visible to you.');
  }
}

/** The programme is visible to the caller but only its owner may change it. */
export class NotOwnerError extends ChainError {
  readonly code = 'not_owner';
  readonly status = 403;

  constructor() {
    super('Only the broker who owns this programme may change it.');
  }
}

/** Creating a programme needs a brokerage: the caller is not a broker in the members table. */
export class NotABrokerError extends ChainError {
  readonly code = 'not_a_broker';
  readonly status = 403;

  constructor() {
    super('Only brokers of a brokerage may create programmes.');
  }
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
