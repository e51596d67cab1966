import { Module } from '@nestjs/common';

import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { ProgrammesController } from './programmes.controller';
import { ProgrammesService } from './programmes.service';

/** `/api/programmes/**` (documents excepted): program-service on behalf of the user, pricing as the app. */
@Module({ imports: [IdempotencyModule], controllers: [ProgrammesController], providers: [ProgrammesService] })
export class ProgrammesModule {}
