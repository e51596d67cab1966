import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { runMigrations } from '../src/common/database/migration-runner';
import { MIGRATIONS } from '../src/common/database/migrations';
import { PgSqlClient } from '../src/common/database/pg-sql.client';
import { PgliteSqlClient } from '../src/common/database/pglite-sql.client';
import type { SqlClient } from '../src/common/database/sql.client';
import { MemberRole } from '../src/members/member.model';
import { SqlMemberRepository } from '../src/members/sql-member.repository';
import type { NewProgramme } from '../src/programmes/programme.repository';
import { SqlProgrammeRepository } from '../src/programmes/sql-programme.repository';
import { postgresAnswers, printableUrl, TEST_DATABASE_URL } from './support/test-database.config';

const TID = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const ALICE = 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11';
const BOB = 'b0b5e0e0-7a1b-4c2d-8e3f-000000000b0b';

function draft(overrides: Partial<NewProgramme> = {}): NewProgramme {
  return {
    name: 'Warehouse portfolio',
    brokerage: 'Northwind',
    ownerOid: ALICE,
    lineOfBusiness: 'property',
    region: 'uk',
    insuredValue: 12_500_000.25,
    currency: 'GBP',
    status: 'draft',
    createdAt: '2026-01-02T03:04:05.000Z',
    ...overrides,
  };
}

/** The same migrations and repository behaviour, whatever engine answers. */
function describeRepositories(
  engine: string,
  open: () => Promise<SqlClient>,
  dispose: () => Promise<void>,
): void {
  describe(`repositories on ${engine}`, () => {
    let sql: SqlClient;
    let programmes: SqlProgrammeRepository;
    let members: SqlMemberRepository;

    beforeAll(async () => {
      sql = await open();
      programmes = new SqlProgrammeRepository(sql);
      members = new SqlMemberRepository(sql);
    });

    afterAll(async () => {
      await sql.close();
      await dispose();
    });

    it('applies every migration exactly once even when two runs race, then nothing on a rerun', async () => {
      const [first, second] = await Promise.all([
        runMigrations(sql, MIGRATIONS),
        runMigrations(sql, MIGRATIONS),
      ]);
      expect([...first, ...second].sort()).toEqual(MIGRATIONS.map((m) => m.id));
      await expect(runMigrations(sql, MIGRATIONS)).resolves.toEqual([]);
    });

    it('stores and reads a programme with its exact amount, timestamps and a generated id', async () => {
      const created = await programmes.insert(TID, draft());
      expect(created).toMatchObject({ ...draft(), updatedAt: '2026-01-02T03:04:05.000Z' });
      expect(created?.id).toMatch(/^[0-9a-f-]{36}$/);
      await expect(programmes.findById(TID, created!.id)).resolves.toEqual(created);
    });

    it('finds nothing for a malformed id or another tenant', async () => {
      const created = await programmes.insert(TID, draft());
      await expect(programmes.findById(TID, 'not-a-uuid')).resolves.toBeUndefined();
      await expect(programmes.findById('other-tenant', created!.id)).resolves.toBeUndefined();
    });

    it('inserts a programme with a fixed id only once', async () => {
      const id = randomUUID();
      await expect(programmes.insert(TID, draft({ id }))).resolves.toMatchObject({ id });
      await expect(programmes.insert(TID, draft({ id, name: 'again' }))).resolves.toBeUndefined();
      await expect(programmes.findById(TID, id)).resolves.toMatchObject({ name: 'Warehouse portfolio' });
    });

    it('lists a brokerage its own programmes and underwriters every non-draft', async () => {
      const tid = randomUUID();
      const nwDraft = await programmes.insert(tid, draft());
      const fbDraft = await programmes.insert(tid, draft({ brokerage: 'Fabrikam', ownerOid: BOB }));
      const fbSubmitted = await programmes.insert(
        tid,
        draft({ brokerage: 'Fabrikam', ownerOid: BOB, status: 'submitted' }),
      );
      const ids = async (filter: Parameters<SqlProgrammeRepository['list']>[1]) =>
        (await programmes.list(tid, filter, 100)).map((p) => p.id).sort();
      expect(await ids({ brokerage: 'Northwind', allNonDrafts: false })).toEqual([nwDraft!.id]);
      expect(await ids({ brokerage: 'Fabrikam', allNonDrafts: false })).toEqual(
        [fbDraft!.id, fbSubmitted!.id].sort(),
      );
      expect(await ids({ allNonDrafts: true })).toEqual([fbSubmitted!.id]);
      expect(await ids({ allNonDrafts: false })).toEqual([]);
      expect(await ids({ brokerage: 'Fabrikam', allNonDrafts: false, status: 'draft' })).toEqual([
        fbDraft!.id,
      ]);
    });

    it('updates only while the programme is in the expected status', async () => {
      const created = await programmes.insert(TID, draft());
      const updatedAt = '2026-02-03T04:05:06.000Z';
      const submitted = await programmes.updateIfStatus(TID, created!.id, 'draft', {
        status: 'submitted',
        updatedAt,
      });
      expect(submitted).toMatchObject({ status: 'submitted', updatedAt, createdAt: created!.createdAt });
      await expect(
        programmes.updateIfStatus(TID, created!.id, 'draft', { name: 'late edit', updatedAt }),
      ).resolves.toBeUndefined();
      const approved = await programmes.updateIfStatus(TID, created!.id, 'submitted', {
        status: 'approved',
        approvedBy: BOB,
        updatedAt,
      });
      expect(approved).toMatchObject({ status: 'approved', approvedBy: BOB, name: 'Warehouse portfolio' });
    });

    it('refuses values outside the schema constraints', async () => {
      await expect(programmes.insert(TID, draft({ insuredValue: -1 }))).rejects.toThrow();
      await expect(programmes.insert(TID, draft({ currency: 'pounds' }))).rejects.toThrow();
    });

    it('saves and replaces members by tenant and object id', async () => {
      await members.save({
        tid: TID,
        oid: ALICE,
        role: MemberRole.Broker,
        brokerage: 'Northwind',
        displayName: 'Alice',
      });
      await expect(members.find(TID, ALICE)).resolves.toEqual({
        tid: TID,
        oid: ALICE,
        role: 'broker',
        brokerage: 'Northwind',
        displayName: 'Alice',
      });
      await members.save({ tid: TID, oid: ALICE, role: MemberRole.Underwriter });
      await expect(members.find(TID, ALICE)).resolves.toEqual({ tid: TID, oid: ALICE, role: 'underwriter' });
      await expect(members.find('other-tenant', ALICE)).resolves.toBeUndefined();
    });
  });
}

describeRepositories(
  'PGlite',
  () => PgliteSqlClient.open(),
  async () => undefined,
);

const schema = `test_programmes_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const postgresReachable = postgresAnswers();
if (!postgresReachable) {
  console.log(`skipped: PostgreSQL repository tests, nothing answers at ${printableUrl(TEST_DATABASE_URL)}`);
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

(postgresReachable ? describeRepositories : describe.skip)(
  'PostgreSQL',
  async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    return new PgSqlClient({ connectionString: TEST_DATABASE_URL, schema });
  },
  () => adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
);
