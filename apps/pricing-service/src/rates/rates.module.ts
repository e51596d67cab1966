import { Module } from '@nestjs/common';

import { RateTable, ReferenceRateTable } from './rate-table';
import { RatesController } from './rates.controller';
import { RatesService } from './rates.service';

/** `GET /rates`: the reference rate table. */
@Module({
  controllers: [RatesController],
  providers: [RatesService, { provide: RateTable, useClass: ReferenceRateTable }],
  exports: [RatesService],
})
export class RatesModule {}
