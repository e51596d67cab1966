import type { Programme, ProgrammeStatus, ProgrammeTerms } from './programme.model';

/** Which programmes a viewer may list: their brokerage's, and/or every non-draft (underwriters). */
export interface VisibilityFilter {
  readonly brokerage?: string;
  readonly allNonDrafts: boolean;
  readonly status?: ProgrammeStatus;
}

/** A new programme, before the database gives it an id. */
export interface NewProgramme extends ProgrammeTerms {
  readonly id?: string;
  readonly brokerage: string;
  readonly ownerOid: string;
  readonly status: ProgrammeStatus;
  readonly createdAt: string;
}

/** Changes applied by an update or a transition. */
export interface ProgrammeChanges extends Partial<ProgrammeTerms> {
  readonly status?: ProgrammeStatus;
  readonly approvedBy?: string;
  readonly updatedAt: string;
}

/** Port: programmes, always within one tenant (`tid`). */
export abstract class ProgrammeRepository {
  abstract findById(tid: string, id: string): Promise<Programme | undefined>;
  /** Newest first, at most `limit`. */
  abstract list(tid: string, filter: VisibilityFilter, limit: number): Promise<Programme[]>;
  /** Inserts; when `id` is given and taken, returns undefined (idempotent seeding). */
  abstract insert(tid: string, programme: NewProgramme): Promise<Programme | undefined>;
  /**
   * Applies `changes` only while the programme is still in `expectedStatus` (optimistic check
   * against concurrent transitions). Returns the updated programme, or undefined if it was not.
   */
  abstract updateIfStatus(
    tid: string,
    id: string,
    expectedStatus: ProgrammeStatus,
    changes: ProgrammeChanges,
  ): Promise<Programme | undefined>;
}
