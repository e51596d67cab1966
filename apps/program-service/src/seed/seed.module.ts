import { Module } from '@nestjs/common';

import { MembersModule } from '../members/members.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { DemoSeeder } from './demo-seeder';
import { RegistrationsSource } from './registrations.source';

/** Imported only with `PROGRAM_SEED=demo`. */
@Module({
  imports: [MembersModule, ProgrammesModule],
  providers: [RegistrationsSource, DemoSeeder],
})
export class SeedModule {}
