import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';
import request from 'supertest';

import { runMembersCli } from '../src/members/members.cli';
import { MEMBERSHIP_CACHE_TTL_MS } from '../src/members/membership.service';
import {
  type ProgramServiceUnderTest,
  startProgramService,
  tenantId,
} from './support/program-service.harness';
import { postgresAnswers, printableUrl, TEST_DATABASE_URL } from './support/test-database.config';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const schema = `test_members_cli_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
/** program-service and the script share one database; a throw-away schema keeps the test apart. */
const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const postgresReachable = postgresAnswers();
if (!postgresReachable)
  console.warn(`members CLI tests skipped: no PostgreSQL at ${printableUrl(TEST_DATABASE_URL)}`);

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function capture() {
  const lines: string[] = [];
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
}

(postgresReachable ? describe : describe.skip)(
  'npm run members (the operator path to the members table)',
  () => {
    let sut: ProgramServiceUnderTest;
    const http = () => request(sut.app.getHttpServer());

    beforeAll(async () => {
      await admin(`CREATE SCHEMA ${schema}`);
      sut = await startProgramService({
        DATABASE_URL: url,
        MEMBERSHIP_SOURCE: 'table',
        PROGRAM_SEED: 'none',
      });
    });
    afterAll(async () => {
      await sut?.close();
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it('makes a user a broker whom the running program-service then lets create programmes', async () => {
      const oid = randomUUID();
      const token = sut.userToken(oid);
      const programme = {
        name: 'CLI',
        lineOfBusiness: 'cyber',
        region: 'us',
        insuredValue: 5,
        currency: 'USD',
      };
      await http().post('/programmes').set('authorization', `Bearer ${token}`).send(programme).expect(403);
      const { lines, out } = capture();
      await expect(
        runMembersCli(
          ['add', tenantId, oid, 'Northwind', '--display-name', 'Carol'],
          { DATABASE_URL: url },
          out,
        ),
      ).resolves.toBe(0);
      expect(lines.join('\n')).toContain('"brokerage":"Northwind"');
      const created = await http()
        .post('/programmes')
        .set('authorization', `Bearer ${token}`)
        .send(programme)
        .expect(201);
      expect(created.body.brokerage).toBe('Northwind');
      await expect(
        runMembersCli(['remove', tenantId, oid], { DATABASE_URL: url }, capture().out),
      ).resolves.toBe(0);
      await expect(
        runMembersCli(['remove', tenantId, oid], { DATABASE_URL: url }, capture().out),
      ).resolves.toBe(1);
      // A removal made by another process reaches the running service once its cached row has expired.
      await new Promise((r) => setTimeout(r, MEMBERSHIP_CACHE_TTL_MS + 200));
      await http().post('/programmes').set('authorization', `Bearer ${token}`).send(programme).expect(403);
    });

    it('refuses bad arguments and a missing DATABASE_URL with exit code 2 and the usage', async () => {
      for (const [argv, env, message] of [
        [['add', tenantId, randomUUID(), 'North wind'], { DATABASE_URL: url }, '<brokerage> must be'],
        [['add', 'contoso', randomUUID(), 'Northwind'], { DATABASE_URL: url }, '<tid> must be'],
        [['show', tenantId], { DATABASE_URL: url }, '<oid> must be'],
        [['grant', tenantId, randomUUID()], { DATABASE_URL: url }, 'unknown command "grant"'],
        [['add', tenantId, randomUUID(), 'Northwind'], {}, 'DATABASE_URL must be'],
      ] as const) {
        const { lines, out } = capture();
        await expect(runMembersCli(argv, env, out)).resolves.toBe(2);
        expect(lines.join('\n')).toContain(message);
        expect(lines.join('\n')).toContain('usage: npm run members');
      }
    });

    it('runs as `npm run members` (tsx) and prints the row', async () => {
      const oid = randomUUID();
      const env = { ...process.env, DATABASE_URL: url };
      await run(
        process.execPath,
        [
          resolve(ROOT, 'node_modules/.bin/tsx'),
          'apps/program-service/src/members/members.cli.ts',
          'add',
          tenantId,
          oid,
          'Fabrikam',
        ],
        { cwd: ROOT, env, timeout: 60_000 },
      );
      const shown = await run(
        process.execPath,
        [
          resolve(ROOT, 'node_modules/.bin/tsx'),
          'apps/program-service/src/members/members.cli.ts',
          'show',
          tenantId,
          oid,
        ],
        { cwd: ROOT, env, timeout: 60_000 },
      );
      expect(JSON.parse(shown.stdout)).toEqual({ tid: tenantId, oid, role: 'broker', brokerage: 'Fabrikam' });
    }, 120_000);
  },
);
