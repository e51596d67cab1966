import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { MemberRepository } from '../src/members/member.repository';
import {
  oids,
  type ProgramServiceUnderTest,
  startProgramService,
  tenantId,
} from './support/program-service.harness';

const NEW_PROGRAMME = {
  name: 'Membership test',
  lineOfBusiness: 'property',
  region: 'eu',
  insuredValue: 1_000_000,
  currency: 'EUR',
};
const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** Who is a broker: `Broker.<brokerage>` app roles, the members table, or both (MEMBERSHIP_SOURCE). */
describe('program-service membership (real AppModule, PGlite, test issuer)', () => {
  describe('MEMBERSHIP_SOURCE=claims', () => {
    let sut: ProgramServiceUnderTest;
    const http = () => request(sut.app.getHttpServer());

    beforeAll(async () => {
      sut = await startProgramService({ MEMBERSHIP_SOURCE: 'claims', PROGRAM_SEED: 'none' });
    });
    afterAll(async () => sut.close());

    it('takes the brokerage from the Broker.<brokerage> app role, with an empty members table', async () => {
      const oid = randomUUID();
      const created = await http()
        .post('/programmes')
        .set(as(sut.userToken(oid, { roles: ['Broker.Contoso'] })))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(created.body).toMatchObject({ brokerage: 'Contoso', ownerOid: oid, status: 'draft' });
      const list = await http()
        .get('/programmes')
        .set(as(sut.userToken(randomUUID(), { roles: ['Broker.Contoso'], scp: 'Program.Read' })))
        .expect(200);
      expect(list.body.programmes.map((p: { id: string }) => p.id)).toContain(created.body.id);
      await http()
        .get(`/programmes/${created.body.id}`)
        .set(as(sut.userToken(randomUUID(), { roles: ['Broker.Other'] })))
        .expect(404);
    });

    it('ignores the members table: a row without the app role is no broker, and not_a_broker names the role', async () => {
      const oid = randomUUID();
      await sut.app
        .get(MemberRepository)
        .save({ tid: tenantId, oid, role: 'broker', brokerage: 'Northwind' });
      const res = await http()
        .post('/programmes')
        .set(as(sut.userToken(oid)))
        .send(NEW_PROGRAMME)
        .expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('not_a_broker');
      expect(res.body.detail).toContain('app role Broker.<brokerage> on program-service');
      expect(res.body.detail).toContain(`tid ${tenantId}, oid ${oid}`);
      expect(res.body.detail).not.toContain('PUT /members');
    });

    it('refuses a token naming two brokerages and names both roles', async () => {
      const res = await http()
        .post('/programmes')
        .set(
          as(sut.userToken(randomUUID(), { roles: ['Broker.Fabrikam', 'Underwriter', 'Broker.Northwind'] })),
        )
        .send(NEW_PROGRAMME)
        .expect(403);
      expect(res.body.code).toBe('not_a_broker');
      expect(res.body.detail).toContain('(Broker.Fabrikam, Broker.Northwind)');
    });

    it('refuses writes to the members table it would never read (409, naming the app role)', async () => {
      const res = await http()
        .put(`/members/${tenantId}/${randomUUID()}`)
        .set(as(sut.userToken('uma', { roles: ['Underwriter'] })))
        .send({ brokerage: 'Northwind' })
        .expect(409);
      expect(res.body.detail).toContain('Broker.<brokerage>');
    });
  });

  describe('MEMBERSHIP_SOURCE=table with a custom role prefix', () => {
    let sut: ProgramServiceUnderTest;
    const http = () => request(sut.app.getHttpServer());

    beforeAll(async () => {
      sut = await startProgramService({
        MEMBERSHIP_SOURCE: 'table',
        MEMBERSHIP_BROKER_ROLE_PREFIX: 'Brokerage:',
      });
    });
    afterAll(async () => sut.close());

    it('takes the brokerage from the seeded table and ignores app roles', async () => {
      const res = await http()
        .post('/programmes')
        .set(as(sut.userToken('alice', { roles: ['Brokerage:Fabrikam'] })))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(res.body).toMatchObject({ brokerage: 'Northwind', ownerOid: oids.alice });
      const stranger = randomUUID();
      const refused = await http()
        .post('/programmes')
        .set(as(sut.userToken(stranger, { roles: ['Brokerage:Fabrikam'] })))
        .send(NEW_PROGRAMME)
        .expect(403);
      expect(refused.body.code).toBe('not_a_broker');
      expect(refused.body.detail).toContain(`PUT /members/${tenantId}/${stranger}`);
      expect(refused.body.detail).toContain(`npm run members -- add ${tenantId} ${stranger} <brokerage>`);
      expect(refused.body.detail).not.toContain('app role');
    });
  });

  describe('MEMBERSHIP_SOURCE=claims-then-table (default) and the /members admin path', () => {
    let sut: ProgramServiceUnderTest;
    const http = () => request(sut.app.getHttpServer());
    const uma = () => as(sut.userToken('uma', { roles: ['Underwriter'] }));

    beforeAll(async () => {
      sut = await startProgramService();
    });
    afterAll(async () => sut.close());

    it('prefers the app role to the table row, and falls back to the table without one', async () => {
      const fromRole = await http()
        .post('/programmes')
        .set(as(sut.userToken('alice', { roles: ['Broker.Fabrikam'] })))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(fromRole.body.brokerage).toBe('Fabrikam');
      const fromTable = await http()
        .post('/programmes')
        .set(as(sut.userToken('alice')))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(fromTable.body.brokerage).toBe('Northwind');
    });

    it('answers not_a_broker naming both fixes: the app role and the admin paths', async () => {
      const oid = randomUUID();
      const res = await http()
        .post('/programmes')
        .set(as(sut.userToken(oid)))
        .send(NEW_PROGRAMME)
        .expect(403);
      expect(res.body).toMatchObject({ code: 'not_a_broker', status: 403 });
      expect(res.body.detail).toContain('app role Broker.<brokerage>');
      expect(res.body.detail).toContain(`PUT /members/${tenantId}/${oid}`);
    });

    it('lets an underwriter make a user a broker, who can then create programmes; GET and DELETE the row', async () => {
      const oid = randomUUID();
      const put = await http()
        .put(`/members/${tenantId}/${oid}`)
        .set(uma())
        .send({ brokerage: 'Woodgrove', displayName: 'Carol Broker' })
        .expect(200);
      expect(put.body).toEqual({
        tid: tenantId,
        oid,
        role: 'broker',
        brokerage: 'Woodgrove',
        displayName: 'Carol Broker',
      });
      const created = await http()
        .post('/programmes')
        .set(as(sut.userToken(oid)))
        .send(NEW_PROGRAMME)
        .expect(201);
      expect(created.body.brokerage).toBe('Woodgrove');
      await http().put(`/members/${tenantId}/${oid}`).set(uma()).send({ brokerage: 'Fabrikam' }).expect(200);
      const got = await http().get(`/members/${tenantId}/${oid}`).set(uma()).expect(200);
      expect(got.body).toEqual({ tid: tenantId, oid, role: 'broker', brokerage: 'Fabrikam' });
      await http().delete(`/members/${tenantId}/${oid}`).set(uma()).expect(204);
      await http().delete(`/members/${tenantId}/${oid}`).set(uma()).expect(404);
      await http().get(`/members/${tenantId}/${oid}`).set(uma()).expect(404);
      await http()
        .post('/programmes')
        .set(as(sut.userToken(oid)))
        .send(NEW_PROGRAMME)
        .expect(403);
    });

    it('refuses brokers (403 app_role_missing), read-only tokens on writes, app-only tokens and other tenants', async () => {
      const path = `/members/${tenantId}/${randomUUID()}`;
      const broker = await http()
        .put(path)
        .set(as(sut.userToken('alice', { roles: ['Broker.Northwind'] })))
        .send({ brokerage: 'Northwind' })
        .expect(403);
      expect(broker.headers['content-type']).toContain('application/problem+json');
      expect(broker.body.code).toBe('app_role_missing');
      await http()
        .put(path)
        .set(as(sut.userToken('uma', { roles: ['Underwriter'], scp: 'Program.Read' })))
        .send({ brokerage: 'Northwind' })
        .expect(403);
      await http()
        .put(path)
        .set(as(sut.appToken({ roles: ['Underwriter'] })))
        .send({ brokerage: 'Northwind' })
        .expect(403);
      const other = await http()
        .put(`/members/${randomUUID()}/${randomUUID()}`)
        .set(uma())
        .send({ brokerage: 'Northwind' })
        .expect(403);
      expect(other.body.code).toBe('token_tenant_not_allowed');
      await http().put(path).send({ brokerage: 'Northwind' }).expect(401);
    });

    it('answers a bad body or path with 400 problem+json, never 500', async () => {
      const path = `/members/${tenantId}/${randomUUID()}`;
      for (const body of [
        {},
        { brokerage: '' },
        { brokerage: 'North wind' },
        { brokerage: '.Northwind' },
        { brokerage: 'x'.repeat(65) },
        { brokerage: 42 },
        { brokerage: 'Northwind', role: 'underwriter' },
        { brokerage: 'Northwind', displayName: '   ' },
      ]) {
        const res = await http().put(path).set(uma()).send(body);
        expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
          JSON.stringify(body),
          400,
          'validation_failed',
        ]);
      }
      await http()
        .put(path)
        .set(uma())
        .set('content-type', 'application/json')
        .send('{"brokerage":')
        .expect(400);
      for (const bad of [`/members/not-a-guid/${randomUUID()}`, `/members/${tenantId}/alice`]) {
        const res = await http().put(bad).set(uma()).send({ brokerage: 'Northwind' }).expect(400);
        expect(res.body.code).toBe('validation_failed');
      }
    });
  });
});
