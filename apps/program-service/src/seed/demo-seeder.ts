import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { Clock } from '../common/clock/clock';
import { programServiceConfig } from '../config/program-service.config';
import { MemberRepository } from '../members/member.repository';
import { ProgrammeRepository } from '../programmes/programme.repository';
import { demoSeedFrom } from './demo-seed';
import { RegistrationsSource } from './registrations.source';

/**
 * Seeds members and sample programmes at boot (after the migrations ran in `onModuleInit`).
 * Idempotent: members are upserted, sample programmes have stable ids.
 */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly registrations: RegistrationsSource,
    private readonly members: MemberRepository,
    private readonly programmes: ProgrammeRepository,
    private readonly clock: Clock,
    @Inject(programServiceConfig.KEY) private readonly config: ConfigType<typeof programServiceConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seed = demoSeedFrom(
      this.registrations.load(this.config.PROGRAM_SEED_REGISTRATIONS),
      this.clock.now().toISOString(),
    );
    for (const member of seed.members) await this.members.save(member);
    let inserted = 0;
    for (const { tid, programme } of seed.programmes) {
      if ((await this.programmes.insert(tid, programme)) !== undefined) inserted += 1;
    }
    this.logger.log({ msg: 'demo seed applied', members: seed.members.length, programmesInserted: inserted });
  }
}
