import { Module } from '@nestjs/common';

import { RatesModule } from '../rates/rates.module';
import { QuotesController } from './quotes.controller';
import { QuotesService } from './quotes.service';

/** `POST /quotes`: a premium from the reference rates. */
@Module({
  imports: [RatesModule],
  controllers: [QuotesController],
  providers: [QuotesService],
})
export class QuotesModule {}
