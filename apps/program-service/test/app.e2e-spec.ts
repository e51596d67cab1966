import request from 'supertest';

import { MemberRepository } from '../src/members/member.repository';
import {
  documentsClientId,
  oids,
  type ProgramServiceUnderTest,
  startProgramService,
  tenantId,
} from './support/program-service.harness';

/** base64 of {"access_token":{"acrs":{"essential":true,"value":"c1"}}}, Entra's auth-context claims request. */
const C1_CLAIMS = 'eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19';
const NEW_PROGRAMME = {
  name: 'Northwind fleet',
  lineOfBusiness: 'marine',
  region: 'uk',
  insuredValue: 7_500_000.5,
  currency: 'GBP',
};

describe('program-service (real AppModule, PGlite, test issuer)', () => {
  let sut: ProgramServiceUnderTest;
  const http = () => request(sut.app.getHttpServer());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await startProgramService();
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('authentication and route requirements', () => {
    it('answers 401 without a token, with a bare Bearer challenge', async () => {
      const res = await http().get('/programmes').expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers['www-authenticate']).not.toContain('error=');
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('answers 401 invalid_token for a token meant for another audience', async () => {
      const res = await http()
        .get('/programmes')
        .set(as(sut.userToken('alice', { aud: 'api://bff' })))
        .expect(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 403 insufficient_scope for a user token without a programme scope', async () => {
      const res = await http()
        .get('/programmes')
        .set(as(sut.userToken('alice', { scp: 'Documents.ReadWrite' })))
        .expect(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('answers 403 to a read-only token on a write route', async () => {
      await http()
        .post('/programmes')
        .set(as(sut.userToken('alice', { scp: 'Program.Read' })))
        .send(NEW_PROGRAMME)
        .expect(403);
    });

    it('answers 403 user_token_required to an app-only token', async () => {
      const res = await http().get('/programmes').set(as(sut.appToken())).expect(403);
      expect(res.body.code).toBe('user_token_required');
    });
  });

  describe('user-level rules', () => {
    it('lists alice the seeded Northwind programmes only', async () => {
      const res = await http()
        .get('/programmes')
        .set(as(sut.userToken('alice')))
        .expect(200);
      expect(res.body.programmes.length).toBeGreaterThan(0);
      expect(new Set(res.body.programmes.map((p: { brokerage: string }) => p.brokerage))).toEqual(
        new Set(['Northwind']),
      );
      expect(res.headers['x-chain-trace']).toBe(Buffer.from('[]').toString('base64url'));
    });

    it("answers bob 404 for Northwind's programme, the same way every time and like a missing one", async () => {
      const list = await http()
        .get('/programmes')
        .set(as(sut.userToken('alice')))
        .expect(200);
      const northwindId = list.body.programmes[0].id as string;
      const strip = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });
      const first = await http()
        .get(`/programmes/${northwindId}`)
        .set(as(sut.userToken('bob')))
        .expect(404);
      const second = await http()
        .get(`/programmes/${northwindId}`)
        .set(as(sut.userToken('bob')))
        .expect(404);
      const missing = await http()
        .get('/programmes/00000000-0000-4000-8000-000000000000')
        .set(as(sut.userToken('bob')))
        .expect(404);
      expect(first.body.code).toBe('not_found');
      expect(strip(second.body)).toEqual(strip(first.body));
      expect(strip(missing.body)).toEqual(strip(first.body));
      await http()
        .get(`/programmes/${northwindId}`)
        .set(as(sut.userToken('alice', { scp: 'Program.Read' })))
        .expect(200);
    });

    it('lets alice create, edit and submit; refuses edits by a colleague (403) and by bob (404)', async () => {
      await sut.app
        .get(MemberRepository)
        .save({ tid: tenantId, oid: 'carol-oid', role: 'broker', brokerage: 'Northwind' });
      const created = await http()
        .post('/programmes')
        .set(as(sut.userToken('alice')))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(created.body).toMatchObject({
        ...NEW_PROGRAMME,
        brokerage: 'Northwind',
        ownerOid: oids.alice,
        status: 'draft',
      });
      const path = `/programmes/${created.body.id}`;
      const carol = await http()
        .patch(path)
        .set(as(sut.userToken('carol-oid')))
        .send({ name: 'mine now' })
        .expect(403);
      expect(carol.body.code).toBe('not_owner');
      await http()
        .patch(path)
        .set(as(sut.userToken('bob')))
        .send({ name: 'mine now' })
        .expect(404);
      await http()
        .patch(path)
        .set(as(sut.userToken('alice')))
        .send({ insuredValue: 8_000_000 })
        .expect(200);
      const submitted = await http()
        .post(`${path}/submit`)
        .set(as(sut.userToken('alice')))
        .expect(200);
      expect(submitted.body).toMatchObject({ status: 'submitted', insuredValue: 8_000_000 });
      const late = await http()
        .patch(path)
        .set(as(sut.userToken('alice')))
        .send({ name: 'late' })
        .expect(409);
      expect(late.body.code).toBe('conflict');
    });

    it('refuses malformed input with 400 problem+json, never 500', async () => {
      const alice = as(sut.userToken('alice'));
      for (const body of [
        { ...NEW_PROGRAMME, admin: true },
        { ...NEW_PROGRAMME, insuredValue: -5 },
        { ...NEW_PROGRAMME, insuredValue: 1.234 },
        { ...NEW_PROGRAMME, lineOfBusiness: 'aviation' },
        { ...NEW_PROGRAMME, currency: 'gbp' },
        { ...NEW_PROGRAMME, name: '   ' },
      ]) {
        const res = await http().post('/programmes').set(alice).send(body).expect(400);
        expect(res.body.code).toBe('validation_failed');
      }
      await http().get('/programmes?status=lost').set(alice).expect(400);
      await http().get('/programmes/not-a-uuid').set(alice).expect(404);
      await http()
        .post('/programmes')
        .set(alice)
        .set('content-type', 'application/json')
        .send('{"name":')
        .expect(400);
    });
  });

  describe('approval with step-up', () => {
    let submittedId: string;

    beforeAll(async () => {
      const created = await http()
        .post('/programmes')
        .set(as(sut.userToken('alice')))
        .send(NEW_PROGRAMME)
        .expect(201);
      submittedId = created.body.id;
      await http()
        .post(`/programmes/${submittedId}/submit`)
        .set(as(sut.userToken('alice')))
        .expect(200);
    });

    it('answers an underwriter without MFA with 401 and the exact claims challenge', async () => {
      const res = await http()
        .post(`/programmes/${submittedId}/approve`)
        .set(as(sut.userToken('uma', { roles: ['Underwriter'] })))
        .expect(401);
      expect(res.body.code).toBe('claims_challenge');
      const challenge = String(res.headers['www-authenticate']);
      // RFC 6750 §3: auth-params are unordered; each must appear exactly once with these values.
      expect(challenge).toMatch(/^Bearer /);
      expect(
        Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
      ).toEqual({
        realm: '',
        authorization_uri: `${sut.authority}/oauth2/v2.0/authorize`,
        error: 'insufficient_claims',
        claims: C1_CLAIMS,
      });
    });

    it('refuses a broker, even with MFA, because approval needs the Underwriter role', async () => {
      await http()
        .post(`/programmes/${submittedId}/approve`)
        .set(as(sut.userToken('alice', { amr: ['pwd', 'mfa'], acrs: ['c1'] })))
        .expect(403);
    });

    it('approves for an underwriter whose token carries acrs c1, once', async () => {
      const uma = as(sut.userToken('uma', { roles: ['Underwriter'], amr: ['pwd', 'mfa'], acrs: ['c1'] }));
      const res = await http().post(`/programmes/${submittedId}/approve`).set(uma).expect(200);
      expect(res.body).toMatchObject({ status: 'approved', approvedBy: oids.uma });
      await http().post(`/programmes/${submittedId}/approve`).set(uma).expect(409);
    });

    it('lets the documents-service read a programme on behalf of the same user (second hop)', async () => {
      const token = sut.userToken('alice', { azp: documentsClientId, scp: 'Program.Read' });
      await http().get(`/programmes/${submittedId}`).set(as(token)).expect(200);
    });
  });

  describe('platform surface', () => {
    it('answers liveness, readiness (database and JWKS) and OpenAPI without a token', async () => {
      await http().get('/health/live').expect(200);
      const ready = await http().get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({
        database: { status: 'up', engine: 'pglite' },
        jwks: { status: 'up' },
      });
      const doc = await http().get('/docs-json').expect(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/programmes',
          '/programmes/{id}',
          '/programmes/{id}/submit',
          '/programmes/{id}/approve',
        ]),
      );
    });
  });
});
