import { startEmulator } from '../src/emulator';
import { type HttpResponse, httpsRequest } from './support/https-client';
import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';

describe('the test-only endpoints', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(async () => {
    await te?.stop();
  });

  const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    httpsRequest(te.url('/oauth2/v2.0/token'), te.ca, { form, headers });
  const cc = (extra: Record<string, string> = {}): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: CLIENT.bff,
    client_secret: SECRET.bff,
    scope: 'api://pricing-service/.default',
    ...extra,
  });

  describe('test-only endpoints', () => {
    beforeEach(async () => {
      await httpsRequest(`${te.emulator.url}/_admin/faults`, te.ca, { method: 'DELETE' });
      await httpsRequest(`${te.emulator.url}/_admin/token-requests/reset`, te.ca, { method: 'POST' });
    });

    it('counts token requests by grant, client and resource, and resets the count', async () => {
      await token(cc());
      await token(cc());
      const counted = (await httpsRequest(`${te.emulator.url}/_admin/token-requests`, te.ca)).json();
      expect(counted).toEqual({
        total: 2,
        byKey: { [`client_credentials|${CLIENT.bff}|${CLIENT.pricing}`]: 2 },
      });
      await httpsRequest(`${te.emulator.url}/_admin/token-requests/reset`, te.ca, { method: 'POST' });
      expect((await httpsRequest(`${te.emulator.url}/_admin/token-requests`, te.ca)).json()).toEqual({
        total: 0,
        byKey: {},
      });
    });

    it('counts token requests answered by a fault rule or the fault-inject header', async () => {
      const rule = { match: { grant: 'client_credentials' }, status: 503, count: 1 };
      await httpsRequest(`${te.emulator.url}/_admin/faults`, te.ca, { json: rule });
      const statuses = [
        (await token(cc())).status,
        (await token(cc(), { 'fault-inject': '429' })).status,
        (await token(cc())).status,
      ];
      const counted = (await httpsRequest(`${te.emulator.url}/_admin/token-requests`, te.ca)).json();
      expect(statuses).toEqual([503, 429, 200]);
      expect(counted).toEqual({
        total: 3,
        byKey: { [`client_credentials|${CLIENT.bff}|${CLIENT.pricing}`]: 3 },
      });
    });

    it('injects 429 with Retry-After and 503 through the fault-inject header', async () => {
      const throttled = await token(cc(), { 'fault-inject': '429;retry-after=7' });
      expect([throttled.status, throttled.headers['retry-after'], throttled.json()['error']]).toEqual([
        429,
        '7',
        'temporarily_unavailable',
      ]);
      expect((await token(cc(), { 'fault-inject': '503' })).status).toBe(503);
    });

    it('injects latency and dropped connections', async () => {
      const started = Date.now();
      expect((await token(cc(), { 'fault-inject': 'latency=150' })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      await expect(token(cc(), { 'fault-inject': 'drop' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    });

    it('applies an admin fault rule to matching requests only, for its count', async () => {
      const rule = { match: { grant: 'client_credentials', clientId: CLIENT.bff }, status: 500, count: 1 };
      expect((await httpsRequest(`${te.emulator.url}/_admin/faults`, te.ca, { json: rule })).status).toBe(
        201,
      );
      const docs = await token({
        ...cc(),
        client_id: CLIENT.documents,
        client_secret: SECRET.documents,
        scope: 'api://bff/.default',
      });
      expect(docs.status).toBe(200);
      expect((await token(cc())).status).toBe(500);
      expect((await token(cc())).status).toBe(200);
    });

    it('rejects an invalid fault rule', async () => {
      const res = await httpsRequest(`${te.emulator.url}/_admin/faults`, te.ca, { json: { status: 200 } });
      expect(res.status).toBe(400);
    });

    it('hides the admin API and ignores fault-inject when test endpoints are off', async () => {
      const plain = await startEmulator({ dataDir: te.dataDir, registrations: undefined });
      try {
        const admin = await httpsRequest(`${plain.url}/_admin/token-requests`, plain.caPem);
        const faulted = await httpsRequest(`${plain.url}/${TENANT_ID}/oauth2/v2.0/token`, plain.caPem, {
          form: cc(),
          headers: { 'fault-inject': '503' },
        });
        expect([admin.status, faulted.status]).toEqual([404, 200]);
      } finally {
        await plain.close();
      }
    });
  });
});
