import { DownstreamClient, type Principal, TokenBrokerError } from '@chain/auth';
import { Injectable } from '@nestjs/common';

import { Downstream } from '../config/documents-service.config';
import { ProgrammeNotFoundError } from './documents.errors';

/**
 * The second hop: asks program-service, for the same user (on-behalf-of, or verified delegation where
 * the identity provider has none; `Program.Read`), whether the programme is visible to them.
 * program-service owns the visibility rules; documents-service never repeats them. Other failures
 * (token service down, program-service unreachable, consent missing) keep the typed errors of the
 * downstream client (502/503/504/403).
 */
@Injectable()
export class ProgramServiceClient {
  constructor(private readonly downstream: DownstreamClient) {}

  /** @throws ProgrammeNotFoundError when program-service answers 404 for this user. */
  async assertVisible(user: Principal, programmeId: string): Promise<void> {
    try {
      await this.downstream
        .forUser(Downstream.Program, user)
        .get(`/programmes/${encodeURIComponent(programmeId)}`);
    } catch (error) {
      if (error instanceof TokenBrokerError && error.status === 404) throw new ProgrammeNotFoundError();
      throw error;
    }
  }
}
