import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

import type { Item } from './items.store';

/** Body of `POST /items`. */
export class CreateItemDto {
  @ApiProperty({ example: 'Call Northwind about the renewal', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'title must not be blank' })
  title!: string;
}

/** One item, as the API answers it (the owner is the caller, so it is not repeated). */
export class ItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(item: Item): ItemDto {
    return Object.assign(new ItemDto(), { id: item.id, title: item.title, createdAt: item.createdAt });
  }
}

/** `GET /items`: the caller's items, oldest first. */
export class ItemListDto {
  @ApiProperty({ type: [ItemDto] })
  items!: ItemDto[];

  static from(items: readonly Item[]): ItemListDto {
    return Object.assign(new ItemListDto(), { items: items.map((item) => ItemDto.from(item)) });
  }
}
