import { RelayPathError } from './relay.errors';
import { relayedLocation, relayedPath, relayName, relayRoutes } from './relay-path';

describe('relay names', () => {
  it('maps a downstream name to its route name: lower case, "_" as "-"', () => {
    expect(relayName('NOTES')).toBe('notes');
    expect(relayName('MY_API')).toBe('my-api');
    expect(relayName('API2_V1_X')).toBe('api2-v1-x');
  });

  it('finds the downstream of a route name among the relayed ones only', () => {
    const routes = relayRoutes(new Set(['NOTES', 'MY_API']));
    expect(routes.get('notes')).toBe('NOTES');
    expect(routes.get('my-api')).toBe('MY_API');
    expect(routes.get('my_api')).toBeUndefined();
    expect(routes.get('NOTES')).toBeUndefined();
    expect(routes.get('program')).toBeUndefined();
  });
});

describe('relayedPath', () => {
  it('passes the path under /api/relay/<name> and the query string on, as the caller encoded them', () => {
    expect(relayedPath('/api/relay/notes/items')).toBe('/items');
    expect(relayedPath('/api/relay/notes/items/42?status=open&q=a%20b')).toBe(
      '/items/42?status=open&q=a%20b',
    );
    expect(relayedPath('/api/relay/my-api/a%20b/c-d_e.json')).toBe('/a%20b/c-d_e.json');
    expect(relayedPath('/api/relay/notes/items/')).toBe('/items/');
    expect(relayedPath('/api/relay/notes/.well-known/x')).toBe('/.well-known/x');
    expect(relayedPath('/api/relay/notes/a..b')).toBe('/a..b');
  });

  it.each([
    '/api/relay/notes/../admin',
    '/api/relay/notes/items/../../admin',
    '/api/relay/notes/./items',
    '/api/relay/notes/%2e%2e/admin',
    '/api/relay/notes/%2E%2E/admin',
    '/api/relay/notes/.%2e/admin',
    '/api/relay/notes/items/%2e',
    '/api/relay/notes//evil.example/x',
    '/api/relay/notes/items//x',
    '/api/relay/notes/a%2fb',
    '/api/relay/notes/a%2F..%2Fb',
    '/api/relay/notes/a%5cb',
    '/api/relay/notes/a\\..\\b',
    '/api/relay/notes/%E0%A4%A',
    '/api/relay/notes/..?x=1',
  ])('refuses %s with 400', (url) => {
    expect(() => relayedPath(url)).toThrow(RelayPathError);
    try {
      relayedPath(url);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    }
  });

  it('leaves "..", "//" and encoded separators in the query string to the downstream', () => {
    expect(relayedPath('/api/relay/notes/items?next=../x//y%2f')).toBe('/items?next=../x//y%2f');
  });
});

describe('relayedLocation', () => {
  const base = 'http://notes.internal:3004/v1';
  const request = 'http://notes.internal:3004/v1/items';

  it('rewrites a Location under the base URL to the relay route, absolute or relative', () => {
    expect(relayedLocation('http://notes.internal:3004/v1/items/7', request, base, 'notes')).toBe(
      '/api/relay/notes/items/7',
    );
    expect(relayedLocation('/v1/items/7?v=2', request, base, 'notes')).toBe('/api/relay/notes/items/7?v=2');
    expect(relayedLocation('items/7', request, base, 'notes')).toBe('/api/relay/notes/items/7');
  });

  it('drops a Location elsewhere: another host, another port, outside the base path', () => {
    expect(relayedLocation('https://evil.example/x', request, base, 'notes')).toBeUndefined();
    expect(relayedLocation('http://notes.internal:9999/v1/x', request, base, 'notes')).toBeUndefined();
    expect(relayedLocation('/admin', request, base, 'notes')).toBeUndefined();
    expect(relayedLocation('/v10/items', request, base, 'notes')).toBeUndefined();
  });
});
