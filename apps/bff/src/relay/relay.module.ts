import { Module } from '@nestjs/common';

import { RelayController } from './relay.controller';
import { RelayService } from './relay.service';

/** `/api/relay/<name>/**`: downstreams declared with `RELAY=true`, on behalf of the user (docs/bff-relay.md). */
@Module({ controllers: [RelayController], providers: [RelayService] })
export class RelayModule {}
