import { authorityFromEnv } from '@chain/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { Clock } from '../common/clock/clock';
import { programServiceConfig } from '../config/program-service.config';
import { MemberRepository } from '../members/member.repository';
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
  EmptyUpdateError,
  NotABrokerError,
  NotOwnerError,
  ProgrammeNotFoundError,
  ProgrammeStatusConflictError,
} from './programmes.errors';

/** Most programmes one list answer returns. */
export const PROGRAMME_LIST_LIMIT = 200;

/** The user-level rules of DESIGN.md: who sees, edits, submits and approves which programme. */
@Injectable()
export class ProgrammesService {
  private readonly authority: string;

  constructor(
    private readonly programmes: ProgrammeRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
    @Inject(programServiceConfig.KEY) config: ConfigType<typeof programServiceConfig>,
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

  async create(caller: ProgrammeCaller, terms: ProgrammeTerms): Promise<Programme> {
    const viewer = await this.viewer(caller);
    if (viewer.brokerage === undefined) throw new NotABrokerError();
    const created = await this.programmes.insert(viewer.tid, {
      ...terms,
      brokerage: viewer.brokerage,
      ownerOid: viewer.oid,
      status: 'draft',
      createdAt: this.now(),
    });
    if (created === undefined) throw new Error('insert without a fixed id returned nothing');
    return created;
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

  private async viewer(caller: ProgrammeCaller): Promise<Viewer> {
    return viewerOf(caller, await this.members.find(caller.tid, caller.oid));
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
