import { Module } from '@nestjs/common';

import { ItemsController } from './items.controller';
import { ItemsStore } from './items.store';

/** `GET /items`, `POST /items`, `GET /items/:id`: the caller's own items, in memory. */
@Module({ controllers: [ItemsController], providers: [ItemsStore] })
export class ItemsModule {}
