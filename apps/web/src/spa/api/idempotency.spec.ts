import { IdempotencyKeys } from './idempotency';

describe('IdempotencyKeys', () => {
  const keys = () => {
    let n = 0;
    return new IdempotencyKeys(() => `k${++n}`);
  };

  it('gives a retried action (same input) the same key, and a changed input a new one', () => {
    const k = keys();
    expect(k.keyFor('create', '{"name":"a"}')).toBe('k1');
    expect(k.keyFor('create', '{"name":"a"}')).toBe('k1');
    expect(k.keyFor('create', '{"name":"b"}')).toBe('k2');
  });

  it('keeps actions apart and starts afresh once an action settled', () => {
    const k = keys();
    expect(k.keyFor('create', 'x')).toBe('k1');
    expect(k.keyFor('upload:p1', 'x')).toBe('k2');
    k.settle('create');
    expect(k.keyFor('create', 'x')).toBe('k3');
    expect(k.keyFor('upload:p1', 'x')).toBe('k2');
  });

  it('uses random UUIDs by default', () => {
    const k = new IdempotencyKeys();
    expect(k.keyFor('a', '1')).toMatch(/^[0-9a-f-]{36}$/);
    expect(k.keyFor('b', '1')).not.toBe(k.keyFor('a', '1'));
  });
});
