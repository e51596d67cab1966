import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CreateItemDto, ItemDto, ItemListDto } from './item.dto';
import { ItemsStore } from './items.store';

/** The delegated scope every route of {{name}} requires (its registration's `scopes`). */
export const ITEMS_SCOPE = '{{scope}}';

/**
 * The caller's own items. Users only (an application token gets 403: this API's rules are about the signed-in
 * user), with the scope {@link ITEMS_SCOPE}; the owner is the token's tenant and object id.
 */
@ApiTags('items')
@UserOnly()
@RequireScopes(ITEMS_SCOPE)
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsStore) {}

  @Get()
  @ApiOperation({ summary: 'Your items, oldest first' })
  list(@Principal() user: Principal): ItemListDto {
    return ItemListDto.from(this.items.list(user));
  }

  @Post()
  @ApiOperation({ summary: 'Create an item of yours (201)' })
  create(@Principal() user: Principal, @Body() body: CreateItemDto): ItemDto {
    return ItemDto.from(this.items.create(user, body.title));
  }

  @Get(':id')
  @ApiOperation({ summary: "One of your items; 404 when it does not exist or is someone else's" })
  get(@Principal() user: Principal, @Param('id') id: string): ItemDto {
    return ItemDto.from(this.items.get(user, id));
  }
}
