import { createHash } from 'node:crypto';

import { authorityFromEnv } from '@chain/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { Clock } from '../common/clock/clock';
import { programServiceConfig } from '../config/program-service.config';
import type { Membership } from '../members/membership';
import { MembershipService } from '../members/membership.service';
import type { Programme, ProgrammeStatus, ProgrammeTerms } from './programme.model';
import { ProgrammeRepository } from './programme.repository';
import {
  canSee,
  hasApprovalStepUp,
  isOwner,
  type ProgrammeCaller,
  type Viewer,
  viewerOf,
  visibilityFilter,
} from './programme-access.policy';
import {
  ApprovalStepUpRequiredError,
  createKeyReused,
  EmptyUpdateError,
  NotABrokerError,
  NotOwnerError,
  ProgrammeNotFoundError,
  ProgrammeStatusConflictError,
} from './programmes.errors';

/** Most programmes one list answer returns. */
export const PROGRAMME_LIST_LIMIT = 200;

/** The user-level rules (docs/CONTRACTS.md "program-service"): who sees, edits, submits and approves which programme. */
@Injectable()
export class ProgrammesService {
  private readonly authority: string;

  constructor(
    private readonly programmes: ProgrammeRepository,
    private readonly membership: MembershipService,
    private readonly clock: Clock,
    @Inject(programServiceConfig.KEY) private readonly config: ConfigType<typeof programServiceConfig>,
  ) {
    this.authority = authorityFromEnv(config);
  }

  async list(caller: ProgrammeCaller, status?: ProgrammeStatus): Promise<Programme[]> {
    const viewer = await this.viewer(caller);
    return this.programmes.list(viewer.tid, visibilityFilter(viewer, status), PROGRAMME_LIST_LIMIT);
  }

  async get(caller: ProgrammeCaller, id: string): Promise<Programme> {
    return this.visible(await this.viewer(caller), id);
  }

  /**
   * Creates a draft. With an `Idempotency-Key` the programme's id is derived from the caller and the key,
   * so a retried create (the BFF timed out, the SPA tried again) finds the programme the first attempt
   * made and answers it again instead of making a second one; the same key with other terms is a 422.
   */
  async create(caller: ProgrammeCaller, terms: ProgrammeTerms, idempotencyKey?: string): Promise<Programme> {
    const membership = await this.membership.of(caller);
    const viewer = viewerOf(caller, membership);
    if (viewer.brokerage === undefined) throw this.notABroker(caller, membership);
    const id = idempotencyKey === undefined ? undefined : idempotentProgrammeId(viewer, idempotencyKey);
    const created = await this.programmes.insert(viewer.tid, {
      ...terms,
      ...(id === undefined ? {} : { id }),
      brokerage: viewer.brokerage,
      ownerOid: viewer.oid,
      status: 'draft',
      createdAt: this.now(),
    });
    if (created !== undefined) return created;
    if (id === undefined) throw new Error('insert without a fixed id returned nothing');
    return this.sameCreate(viewer, id, terms);
  }

  async update(caller: ProgrammeCaller, id: string, changes: Partial<ProgrammeTerms>): Promise<Programme> {
    if (Object.values(changes).every((value) => value === undefined)) throw new EmptyUpdateError();
    const programme = await this.owned(caller, id);
    return this.transition(caller.tid, programme, 'draft', 'edit', { ...changes });
  }

  async submit(caller: ProgrammeCaller, id: string): Promise<Programme> {
    const programme = await this.owned(caller, id);
    return this.transition(caller.tid, programme, 'draft', 'submit', { status: 'submitted' });
  }

  /** The step-up comes first: without it nothing about the programme is revealed. */
  async approve(caller: ProgrammeCaller, id: string): Promise<Programme> {
    if (!hasApprovalStepUp(caller)) throw new ApprovalStepUpRequiredError(this.authority);
    const programme = await this.visible(await this.viewer(caller), id);
    return this.transition(caller.tid, programme, 'submitted', 'approve', {
      status: 'approved',
      approvedBy: caller.oid,
    });
  }

  /** The programme an earlier create with the same key made, if it was made with the same terms. */
  private async sameCreate(viewer: Viewer, id: string, terms: ProgrammeTerms): Promise<Programme> {
    const existing = await this.programmes.findById(viewer.tid, id);
    if (existing === undefined || existing.ownerOid !== viewer.oid || !sameTerms(existing, terms))
      throw createKeyReused();
    return existing;
  }

  private async viewer(caller: ProgrammeCaller): Promise<Viewer> {
    return viewerOf(caller, await this.membership.of(caller));
  }

  private notABroker(caller: ProgrammeCaller, membership: Membership): NotABrokerError {
    return new NotABrokerError({
      tid: caller.tid,
      oid: caller.oid,
      source: this.config.MEMBERSHIP_SOURCE,
      brokerRolePrefix: this.config.MEMBERSHIP_BROKER_ROLE_PREFIX,
      delegated: caller.delegatedBy !== undefined,
      ...(membership.conflictingRoles === undefined ? {} : { conflictingRoles: membership.conflictingRoles }),
    });
  }

  /** Invisible and absent look the same: 404, every time (never reveal existence). */
  private async visible(viewer: Viewer, id: string): Promise<Programme> {
    const programme = await this.programmes.findById(viewer.tid, id);
    if (programme === undefined || !canSee(viewer, programme)) throw new ProgrammeNotFoundError();
    return programme;
  }

  private async owned(caller: ProgrammeCaller, id: string): Promise<Programme> {
    const viewer = await this.viewer(caller);
    const programme = await this.visible(viewer, id);
    if (!isOwner(viewer, programme)) throw new NotOwnerError();
    return programme;
  }

  private async transition(
    tid: string,
    programme: Programme,
    from: ProgrammeStatus,
    action: string,
    changes: Partial<ProgrammeTerms> & { status?: ProgrammeStatus; approvedBy?: string },
  ): Promise<Programme> {
    if (programme.status !== from) throw new ProgrammeStatusConflictError(action, programme.status, from);
    const updated = await this.programmes.updateIfStatus(tid, programme.id, from, {
      ...changes,
      updatedAt: this.now(),
    });
    // Someone else moved it between our read and our write.
    if (updated === undefined) throw new ProgrammeStatusConflictError(action, 'changed', from);
    return updated;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

const TERM_FIELDS = ['name', 'lineOfBusiness', 'region', 'insuredValue', 'currency'] as const;

function sameTerms(programme: Programme, terms: ProgrammeTerms): boolean {
  return TERM_FIELDS.every((field) => programme[field] === terms[field]);
}

/**
 * A UUID (RFC 9562 version 8: implementation-specific) from SHA-256 of the tenant, the caller and the key:
 * the same caller and key always name the same programme, different callers never share one.
 */
export function idempotentProgrammeId(viewer: Pick<Viewer, 'tid' | 'oid'>, key: string): string {
  const hash = createHash('sha256')
    .update(['programme', viewer.tid, viewer.oid, key].join('\u0000'))
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
