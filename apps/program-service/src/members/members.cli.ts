/**
 * `npm run members -- <command>`: the operator's path to program-service's members table, against
 * `DATABASE_URL` (the alternative to `Broker.<brokerage>` app roles, docs/configuration.md "Who is a broker").
 *
 *   add <tid> <oid> <brokerage> [--display-name <name>]   make the user a broker of the brokerage
 *   remove <tid> <oid>                                   delete the user's row
 *   show <tid> <oid>                                     print the user's row as JSON
 *
 * In a built image: `node dist/apps/program-service/src/members/members.cli.js <command>`.
 */
import { parseArgs } from 'node:util';

import { runMigrations } from '../common/database/migration-runner';
import { MIGRATIONS } from '../common/database/migrations';
import { PgSqlClient } from '../common/database/pg-sql.client';
import { BROKERAGE_ID, BROKERAGE_ID_RULE, type Member, MemberRole } from './member.model';
import { SqlMemberRepository } from './sql-member.repository';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

export const MEMBERS_USAGE = [
  'usage: npm run members -- add <tid> <oid> <brokerage> [--display-name <name>]',
  '       npm run members -- remove <tid> <oid>',
  '       npm run members -- show <tid> <oid>',
  "DATABASE_URL names program-service's PostgreSQL database (the one its DATABASE_URL names).",
].join('\n');

/** A mistake of the operator: printed with the usage, exit code 2. */
export class MembersCliUsageError extends Error {}

type Command =
  | { readonly name: 'add'; readonly member: Member }
  | { readonly name: 'remove' | 'show'; readonly tid: string; readonly oid: string };

/** Parses and validates the arguments; every problem is a {@link MembersCliUsageError} naming it. */
export function parseMembersArgs(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'display-name': { type: 'string' } },
    });
  } catch (error) {
    throw new MembersCliUsageError((error as Error).message);
  }
  const [name, tid, oid, brokerage, ...rest] = parsed.positionals;
  const displayName = parsed.values['display-name']?.trim();
  const ids = () => {
    if (tid === undefined || !GUID.test(tid))
      throw new MembersCliUsageError('<tid> must be the tenant id (a GUID)');
    if (oid === undefined || !GUID.test(oid))
      throw new MembersCliUsageError("<oid> must be the user's object id (a GUID)");
    return { tid: tid.toLowerCase(), oid: oid.toLowerCase() };
  };
  if (name === 'add') {
    const key = ids();
    if (brokerage === undefined || !BROKERAGE_ID.test(brokerage))
      throw new MembersCliUsageError(`<brokerage> must be ${BROKERAGE_ID_RULE}`);
    if (rest.length > 0) throw new MembersCliUsageError(`unexpected arguments: ${rest.join(' ')}`);
    if (displayName === '') throw new MembersCliUsageError('--display-name must not be blank');
    return {
      name,
      member: { ...key, role: MemberRole.Broker, brokerage, ...(displayName ? { displayName } : {}) },
    };
  }
  if (name === 'remove' || name === 'show') {
    const key = ids();
    if (brokerage !== undefined || parsed.values['display-name'] !== undefined)
      throw new MembersCliUsageError(`${name} takes <tid> <oid> only`);
    return { name, ...key };
  }
  throw new MembersCliUsageError(name === undefined ? 'name a command' : `unknown command "${name}"`);
}

/** Runs one command against `DATABASE_URL`; returns the process exit code. */
export async function runMembersCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: { log(line: string): void; error(line: string): void } = console,
): Promise<number> {
  let command: Command;
  try {
    command = parseMembersArgs(argv);
    if (!POSTGRES_URL.test(env['DATABASE_URL'] ?? ''))
      throw new MembersCliUsageError(
        "DATABASE_URL must be program-service's postgres:// URL (without it program-service keeps its table in memory, out of reach)",
      );
  } catch (error) {
    if (!(error instanceof MembersCliUsageError)) throw error;
    out.error(`members: ${error.message}\n${MEMBERS_USAGE}`);
    return 2;
  }
  const sql = new PgSqlClient({ connectionString: env['DATABASE_URL']! });
  try {
    // The table may not exist yet when the service has never started: the same idempotent migrations.
    await runMigrations(sql, MIGRATIONS);
    const members = new SqlMemberRepository(sql);
    if (command.name === 'add') {
      await members.save(command.member);
      out.log(`added: ${JSON.stringify(command.member)}`);
      return 0;
    }
    if (command.name === 'remove') {
      const removed = await members.remove(command.tid, command.oid);
      out[removed ? 'log' : 'error'](removed ? 'removed' : 'members: no such member');
      return removed ? 0 : 1;
    }
    const member = await members.find(command.tid, command.oid);
    if (member === undefined) {
      out.error('members: no such member');
      return 1;
    }
    out.log(JSON.stringify(member));
    return 0;
  } finally {
    await sql.close();
  }
}

if (require.main === module) {
  runMembersCli(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // The driver's message names the cause (refused connection, authentication); never the URL's password.
      console.error(`members: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
