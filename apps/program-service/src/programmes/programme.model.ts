/** Lines of business the chain prices (CONTRACTS.md). */
export const LineOfBusiness = {
  Property: 'property',
  Marine: 'marine',
  Casualty: 'casualty',
  Cyber: 'cyber',
} as const;
export type LineOfBusiness = (typeof LineOfBusiness)[keyof typeof LineOfBusiness];
export const LINES_OF_BUSINESS = Object.values(LineOfBusiness);

/** Regions the chain prices (CONTRACTS.md). */
export const Region = { Uk: 'uk', Eu: 'eu', Us: 'us', Apac: 'apac' } as const;
export type Region = (typeof Region)[keyof typeof Region];
export const REGIONS = Object.values(Region);

/** A programme's life: a broker drafts and submits it, an underwriter approves it. */
export const ProgrammeStatus = { Draft: 'draft', Submitted: 'submitted', Approved: 'approved' } as const;
export type ProgrammeStatus = (typeof ProgrammeStatus)[keyof typeof ProgrammeStatus];
export const PROGRAMME_STATUSES = Object.values(ProgrammeStatus);

/** An insurance programme placed by a brokerage (CONTRACTS.md "program-service"). */
export interface Programme {
  readonly id: string;
  readonly name: string;
  readonly brokerage: string;
  readonly ownerOid: string;
  readonly lineOfBusiness: LineOfBusiness;
  readonly region: Region;
  readonly insuredValue: number;
  readonly currency: string;
  readonly status: ProgrammeStatus;
  readonly approvedBy?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The fields a broker chooses. */
export interface ProgrammeTerms {
  readonly name: string;
  readonly lineOfBusiness: LineOfBusiness;
  readonly region: Region;
  readonly insuredValue: number;
  readonly currency: string;
}
