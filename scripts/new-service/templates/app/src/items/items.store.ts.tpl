import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ItemNotFoundError, TooManyItemsError } from './items.errors';

/** An item of one user. */
export interface Item {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
}

/** Who owns an item: the user's tenant and object id, from the validated token (never from the request). */
export interface ItemOwner {
  readonly tid: string;
  readonly oid: string;
}

/** Items kept per user at most: the store is in memory, so it is bounded. */
export const MAX_ITEMS_PER_USER = 100;

/**
 * The items of each user, in memory (they go with the process): the starting point of a generated service.
 * Replace it with a database when the service keeps data that matters (as program-service does).
 */
@Injectable()
export class ItemsStore {
  private readonly byOwner = new Map<string, Item[]>();

  /** The owner's items, oldest first. */
  list(owner: ItemOwner): readonly Item[] {
    return this.byOwner.get(keyOf(owner)) ?? [];
  }

  /** One of the owner's items; {@link ItemNotFoundError} for an id that is not theirs. */
  get(owner: ItemOwner, id: string): Item {
    const found = this.list(owner).find((item) => item.id === id);
    if (found === undefined) throw new ItemNotFoundError();
    return found;
  }

  /** Adds an item for the owner; {@link TooManyItemsError} past {@link MAX_ITEMS_PER_USER}. */
  create(owner: ItemOwner, title: string, now: Date = new Date()): Item {
    const items = this.byOwner.get(keyOf(owner)) ?? [];
    if (items.length >= MAX_ITEMS_PER_USER) throw new TooManyItemsError(MAX_ITEMS_PER_USER);
    const item: Item = { id: randomUUID(), title, createdAt: now.toISOString() };
    this.byOwner.set(keyOf(owner), [...items, item]);
    return item;
  }
}

/** Tenant and object id together: an oid is unique within its tenant only. */
function keyOf(owner: ItemOwner): string {
  return `${owner.tid}/${owner.oid}`;
}
