import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { ChainController } from './chain.controller';
import { ChainTraceInterceptor } from './chain-trace.interceptor';
import { ChainTraceStore } from './chain-trace.store';

/** `GET /api/chain` and the recording behind it; imported only when `CHAIN_TRACE=true`. */
@Module({
  controllers: [ChainController],
  providers: [ChainTraceStore, { provide: APP_INTERCEPTOR, useClass: ChainTraceInterceptor }],
})
export class ChainModule {}
