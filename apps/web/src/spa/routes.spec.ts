import { pathOf, routeOf } from './routes';

describe('routes', () => {
  it('reads and writes a programme address', () => {
    expect(routeOf('/programmes/abc-1')).toEqual({ kind: 'programme', id: 'abc-1' });
    expect(routeOf(pathOf({ kind: 'programme', id: 'a b/c' }))).toEqual({ kind: 'programme', id: 'a b/c' });
    expect(pathOf({ kind: 'home' })).toBe('/');
  });

  it('treats anything else as the home page', () => {
    for (const path of ['/', '/programmes', '/programmes/', '/programmes/%E0%A4%A', '/x/y'])
      expect(routeOf(path)).toEqual({ kind: 'home' });
  });
});
