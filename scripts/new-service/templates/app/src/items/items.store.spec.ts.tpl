import { ItemNotFoundError, TooManyItemsError } from './items.errors';
import { ItemsStore, MAX_ITEMS_PER_USER } from './items.store';

const alice = { tid: 'tenant-a', oid: 'alice' };

describe('ItemsStore', () => {
  it("keeps each user's items apart, by tenant and object id", () => {
    const store = new ItemsStore();
    const item = store.create(alice, 'first', new Date('2030-01-01T00:00:00Z'));
    expect(store.list(alice)).toEqual([{ id: item.id, title: 'first', createdAt: '2030-01-01T00:00:00.000Z' }]);
    expect(store.get(alice, item.id)).toBe(item);
    for (const other of [
      { tid: 'tenant-a', oid: 'bob' },
      { tid: 'tenant-b', oid: 'alice' },
    ]) {
      expect(store.list(other)).toEqual([]);
      expect(() => store.get(other, item.id)).toThrow(ItemNotFoundError);
    }
  });

  it('refuses an item past the per-user limit, and only for that user', () => {
    const store = new ItemsStore();
    for (let i = 0; i < MAX_ITEMS_PER_USER; i += 1) store.create(alice, `item ${i}`);
    expect(() => store.create(alice, 'one more')).toThrow(TooManyItemsError);
    expect(store.create({ ...alice, oid: 'bob' }, 'fine').title).toBe('fine');
  });
});
