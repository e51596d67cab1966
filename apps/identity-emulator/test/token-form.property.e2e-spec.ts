import { request } from 'node:https';

import fc from 'fast-check';

import { CLIENT, SECRET, startTestEmulator, TENANT_ID, type TestEmulator } from './support/test-emulator';

/**
 * Bounded runs (and at most 60 s per property); `FC_SEED=<seed>` replays a failure (fast-check prints the
 * seed and path when one fails).
 */
const RUNS: fc.Parameters<unknown> = {
  numRuns: 150,
  interruptAfterTimeLimit: 60_000,
  ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
};
/** An answer later than this is a hang. */
const DEADLINE_MS = 5_000;
const TEST_TIMEOUT_MS = 180_000;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** One raw HTTPS request to the emulator (its CA trusted explicitly), failing after {@link DEADLINE_MS}. */
function post(
  te: TestEmulator,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${te.emulator.url}${path}`,
      { method: 'POST', ca: te.ca, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(DEADLINE_MS, () => req.destroy(new Error(`no answer within ${DEADLINE_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Parameter names the token endpoint reads, and others. */
const name = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'grant_type',
      'client_id',
      'client_secret',
      'scope',
      'assertion',
      'requested_token_use',
      'code',
      'redirect_uri',
      'code_verifier',
      'refresh_token',
      'client_assertion',
      'client_assertion_type',
      'claims',
      'client-request-id',
    ),
  },
  fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', ''),
  fc.string({ maxLength: 12 }),
);
/** Values that reach the grants' code paths, and any text. */
const value = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'authorization_code',
      'refresh_token',
      'on_behalf_of',
      CLIENT.bff,
      CLIENT.web,
      SECRET.bff,
      'api://pricing-service/.default',
      'api://program-service/Program.ReadWrite openid offline_access',
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      'eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln',
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
      '{',
    ),
  },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
/** A form as sent: parameters (names may repeat), percent-encoded, sometimes with raw bytes or bad escapes. */
const form = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(name, value), { maxLength: 10 })
      .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString())),
  },
  fc
    .array(
      fc.oneof(
        fc.constantFrom('%', '%ZZ', '%E0%A4%A', '&', '=', '+', ';', 'grant_type='),
        fc.string({ maxLength: 8 }),
      ),
      {
        maxLength: 12,
      },
    )
    .map((parts) => Buffer.from(parts.join(''))),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
);
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/x-www-form-urlencoded') },
  fc.constantFrom(
    'application/x-www-form-urlencoded; charset=utf-8',
    'APPLICATION/X-WWW-FORM-URLENCODED',
    'application/json',
    'multipart/form-data; boundary=x',
    'text/plain',
  ),
);

describe('the emulator token endpoint: any form → 200 or a 4xx OAuth error, never a 5xx or a hang (property-based)', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(() => te?.stop());

  const assertOAuthAnswer = (answer: Answer): void => {
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    if (answer.status >= 400) expect(typeof body['error']).toBe('string');
    else expect(typeof body['access_token']).toBe('string');
  };

  it(
    'POST /{tenant}/oauth2/v2.0/token with any form',
    async () => {
      await fc.assert(
        fc.asyncProperty(form, contentType, async (body, type) => {
          assertOAuthAnswer(
            await post(te, `/${TENANT_ID}/oauth2/v2.0/token`, body, { 'content-type': type }),
          );
        }),
        RUNS,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'POST /{tenant}/oauth2/v2.0/token for any tenant segment',
    async () => {
      const tenant = fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }).map((t) => encodeURIComponent(t)),
        fc.constantFrom('%ZZ', '%E0%A4%A', '%', 'common', 'organizations', 'contoso-brokers.onmicrosoft.com'),
      );
      const valid = Buffer.from(
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT.bff,
          client_secret: SECRET.bff,
          scope: 'api://pricing-service/.default',
        }).toString(),
      );
      await fc.assert(
        fc.asyncProperty(tenant, async (segment) => {
          const answer = await post(te, `/${segment}/oauth2/v2.0/token`, valid, {
            'content-type': 'application/x-www-form-urlencoded',
          });
          expect(answer.status).toBeLessThan(500);
        }),
        { ...RUNS, numRuns: 60 },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it('answers a form over the size limit with a 4xx OAuth error, not a 500', async () => {
    const body = Buffer.from(`grant_type=client_credentials&scope=${'x'.repeat(1024 * 1024 + 1)}`);
    const answer = await post(te, `/${TENANT_ID}/oauth2/v2.0/token`, body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    assertOAuthAnswer(answer);
  });
});
