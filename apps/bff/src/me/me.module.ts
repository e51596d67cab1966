import { Module } from '@nestjs/common';

import { MeController } from './me.controller';

/** `GET /api/me`. */
@Module({ controllers: [MeController] })
export class MeModule {}
