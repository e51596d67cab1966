import { randomUUID } from 'node:crypto';

import { type Chain, type SignedIn, signIn, startChain } from '@chain/testing';

/** What this suite needs of the BFF's answers. */
interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
  readonly ms: number;
}

/** The BFF's timeout for documents-service, short so that a stalled second hop makes it answer 504. */
const DOCUMENTS_TIMEOUT_MS = 1_500;
/** How long documents-service's token request for its second hop is held by the emulator. */
const STALL_MS = 4_000;

/**
 * Idempotency-Key end to end (every app its own process, real MSAL): a retried write after a 504 makes
 * no duplicate. documents-service is stalled the way a slow token service stalls it — the emulator holds its
 * on-behalf-of request for program-service — so the BFF gives up (504) while documents-service goes on and
 * stores the upload; the client retries with the same key.
 */
describe('idempotent writes through the chain', () => {
  let chain: Chain;
  let alice: SignedIn;
  let programmeId: string;

  beforeAll(async () => {
    chain = await startChain({
      label: 'chain-idempotency',
      env: { bff: { DOWNSTREAM_APIS__DOCUMENTS__TIMEOUT_MS: String(DOCUMENTS_TIMEOUT_MS) } },
    });
    alice = await signIn(chain, 'alice');
    const created = await call('POST', '/api/programmes', {
      json: {
        name: 'Idempotency quays',
        lineOfBusiness: 'marine',
        region: 'uk',
        insuredValue: 1e6,
        currency: 'GBP',
      },
    });
    expect(created.status).toBe(201);
    programmeId = String(created.body['id']);
  });

  afterAll(() => chain?.stop());

  async function call(
    method: string,
    path: string,
    options: { json?: unknown; file?: { name: string; bytes: Buffer }; key?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${alice.accessToken}` };
    if (options.key !== undefined) headers['idempotency-key'] = `"${options.key}"`;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.file !== undefined) {
      body = new FormData();
      body.append(
        'file',
        new Blob([new Uint8Array(options.file.bytes)], { type: 'text/plain' }),
        options.file.name,
      );
    }
    const started = Date.now();
    const res = await fetch(`${chain.url('bff')}${path}`, { method, headers, ...(body ? { body } : {}) });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
      ms: Date.now() - started,
    };
  }

  const documentsNamed = async (fileName: string): Promise<unknown[]> => {
    const list = await call('GET', `/api/programmes/${programmeId}/documents`);
    expect(list.status).toBe(200);
    return (list.body['documents'] as { fileName: string }[]).filter((d) => d.fileName === fileName);
  };

  it('stores an upload once when the BFF answered 504 and the client retried with the same key', async () => {
    const key = randomUUID();
    const file = { name: `stalled-${key.slice(0, 8)}.txt`, bytes: Buffer.from(`schedule ${key}\n`) };
    const path = `/api/programmes/${programmeId}/documents`;
    await chain.admin.injectFault({
      match: { clientId: chain.clientId('documents-service') },
      latencyMs: STALL_MS,
      count: 1,
    });

    const first = await call('POST', path, { file, key });
    expect([first.status, first.body['code']]).toEqual([504, 'downstream_timeout']);
    expect(first.ms).toBeLessThan(STALL_MS);

    // documents-service is still working on the first attempt: the retry is told so (409), then gets its answer.
    const retries: Answer[] = [];
    do {
      retries.push(await call('POST', path, { file, key }));
      if (retries.at(-1)!.status === 409) await new Promise((r) => setTimeout(r, 250));
    } while (retries.at(-1)!.status === 409 && retries.length < 80);
    const answered = retries.at(-1)!;
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ fileName: file.name, size: file.bytes.length });
    expect(retries.slice(0, -1).every((r) => r.body['code'] === 'conflict')).toBe(true);

    const again = await call('POST', path, { file, key });
    expect([again.status, again.body['id']]).toEqual([201, answered.body['id']]);
    expect(await documentsNamed(file.name)).toHaveLength(1);

    const other = await call('POST', path, { file: { ...file, bytes: Buffer.from('another file') }, key });
    expect([other.status, other.body['code']]).toEqual([422, 'conflict']);
    expect(await documentsNamed(file.name)).toHaveLength(1);
  });

  it('creates one programme for a create retried with the same key, and replays the first answer', async () => {
    const key = randomUUID();
    const json = {
      name: `Keyed ${key.slice(0, 8)}`,
      lineOfBusiness: 'cyber',
      region: 'eu',
      insuredValue: 5e5,
      currency: 'EUR',
    };
    const first = await call('POST', '/api/programmes', { json, key });
    const second = await call('POST', '/api/programmes', { json, key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body['id']).toBe(first.body['id']);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const list = await call('GET', '/api/programmes');
    const named = (list.body['programmes'] as { name: string }[]).filter((p) => p.name === json.name);
    expect(named).toHaveLength(1);
    const reused = await call('POST', '/api/programmes', { json: { ...json, name: 'Other' }, key });
    expect(reused.status).toBe(422);
  });
});
