import { Module } from '@nestjs/common';

import { MembersModule } from '../members/members.module';
import { ProgrammeRepository } from './programme.repository';
import { ProgrammesController } from './programmes.controller';
import { ProgrammesService } from './programmes.service';
import { SqlProgrammeRepository } from './sql-programme.repository';

/** Programmes and their user-level rules. */
@Module({
  imports: [MembersModule],
  controllers: [ProgrammesController],
  providers: [ProgrammesService, { provide: ProgrammeRepository, useClass: SqlProgrammeRepository }],
  exports: [ProgrammeRepository],
})
export class ProgrammesModule {}
