import { type DownstreamApi, DownstreamClient, type Principal } from '@chain/auth';
import { formatIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from '@chain/platform';
import { Injectable } from '@nestjs/common';

import { BFF_DOWNSTREAMS } from '../common/bff-catalogue';
import type {
  CreateProgrammeDto,
  ProgrammeDto,
  ProgrammeListDto,
  ProgrammeQuoteDto,
  ProgrammeStatus,
  QuoteDto,
  UpdateProgrammeDto,
} from './programme.dto';

/**
 * Programmes for the SPA. program-service owns every rule (brokerage visibility, ownership, the
 * Underwriter's step-up), so each call goes there on behalf of the signed-in user; its answers and
 * problems (404, 403 `not_owner`, 409, the 401 claims challenge) reach the SPA unchanged.
 */
@Injectable()
export class ProgrammesService {
  constructor(private readonly downstreams: DownstreamClient) {}

  async list(user: Principal, status?: ProgrammeStatus): Promise<ProgrammeListDto> {
    return (await this.program(user).get<ProgrammeListDto>('/programmes', { query: { status } })).data;
  }

  async get(user: Principal, id: string): Promise<ProgrammeDto> {
    return (await this.program(user).get<ProgrammeDto>(programmePath(id))).data;
  }

  /** With an `Idempotency-Key`, program-service gets the same key: a retried create makes one programme. */
  async create(user: Principal, terms: CreateProgrammeDto, idempotencyKey?: string): Promise<ProgrammeDto> {
    const headers = idempotencyHeaders(idempotencyKey);
    return (await this.program(user).post<ProgrammeDto>('/programmes', terms, { headers })).data;
  }

  async update(user: Principal, id: string, changes: UpdateProgrammeDto): Promise<ProgrammeDto> {
    return (await this.program(user).patch<ProgrammeDto>(programmePath(id), changes)).data;
  }

  async submit(user: Principal, id: string): Promise<ProgrammeDto> {
    return (await this.program(user).post<ProgrammeDto>(`${programmePath(id)}/submit`)).data;
  }

  /** program-service may answer 401 `insufficient_claims`: libs/auth relays it with the same claims. */
  async approve(user: Principal, id: string): Promise<ProgrammeDto> {
    return (await this.program(user).post<ProgrammeDto>(`${programmePath(id)}/approve`)).data;
  }

  /**
   * The hybrid chain in one request: the programme on behalf of the user (program-service decides
   * whether they may see it), then its price as the BFF itself (pricing-service has no user rules and
   * accepts only app tokens). Pricing is asked only after the user was allowed to see the programme.
   */
  async quote(user: Principal, id: string): Promise<ProgrammeQuoteDto> {
    const programme = await this.get(user, id);
    const { lineOfBusiness, region, insuredValue } = programme;
    const pricing = this.downstreams.forApp(BFF_DOWNSTREAMS.Pricing);
    const quote = (await pricing.post<QuoteDto>('/quotes', { lineOfBusiness, region, insuredValue })).data;
    return { programme, quote };
  }

  private program(user: Principal): DownstreamApi {
    return this.downstreams.forUser(BFF_DOWNSTREAMS.Program, user);
  }
}

/** The `Idempotency-Key` header carried to the service that performs the write, when the SPA sent one. */
export function idempotencyHeaders(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { [IDEMPOTENCY_KEY_HEADER]: formatIdempotencyKey(key) };
}

/** `/programmes/<id>`; the id was checked by `ResourceIdPipe` and is encoded all the same. */
export function programmePath(id: string): string {
  return `/programmes/${encodeURIComponent(id)}`;
}
