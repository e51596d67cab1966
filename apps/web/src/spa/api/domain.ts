/** The BFF's resources (docs/CONTRACTS.md, "HTTP APIs of the chain"). */
export const LINES_OF_BUSINESS = ['property', 'marine', 'casualty', 'cyber'] as const;
export const REGIONS = ['uk', 'eu', 'us', 'apac'] as const;
export const CURRENCIES = ['GBP', 'EUR', 'USD'] as const;

export type ProgrammeStatus = 'draft' | 'submitted' | 'approved';

export interface Programme {
  readonly id: string;
  readonly name: string;
  readonly brokerage: string;
  readonly ownerOid: string;
  readonly lineOfBusiness: string;
  readonly region: string;
  readonly insuredValue: number;
  readonly currency: string;
  readonly status: ProgrammeStatus;
  readonly approvedBy?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewProgramme {
  readonly name: string;
  readonly lineOfBusiness: string;
  readonly region: string;
  readonly insuredValue: number;
  readonly currency: string;
}

export interface Quote {
  readonly lineOfBusiness: string;
  readonly region: string;
  readonly insuredValue: number;
  readonly ratePerMille: number;
  readonly premium: number;
  readonly currency: string;
}

export interface DocumentMeta {
  readonly id: string;
  readonly programmeId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly ownerOid: string;
  readonly createdAt: string;
}

/** List endpoints may answer a bare array or `{ items }`; both are accepted. */
export function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (typeof data === 'object' && data !== null) {
    const record = data as Record<string, unknown>;
    for (const k of [key, 'items', 'data']) if (Array.isArray(record[k])) return record[k] as T[];
  }
  return [];
}
