import { Injectable } from '@nestjs/common';

import { SqlClient } from '../common/database/sql.client';
import { type Member, MemberRole } from './member.model';
import { MemberRepository } from './member.repository';

interface MemberRow {
  [column: string]: unknown;
  tid: string;
  oid: string;
  role: string;
  brokerage: string | null;
  display_name: string | null;
}

/** {@link MemberRepository} over SQL (PostgreSQL or PGlite). */
@Injectable()
export class SqlMemberRepository extends MemberRepository {
  constructor(private readonly sql: SqlClient) {
    super();
  }

  async find(tid: string, oid: string): Promise<Member | undefined> {
    const rows = await this.sql.query<MemberRow>('SELECT * FROM members WHERE tid = $1 AND oid = $2', [
      tid,
      oid,
    ]);
    return rows[0] === undefined ? undefined : toMember(rows[0]);
  }

  async save(member: Member): Promise<void> {
    await this.sql.query(
      `INSERT INTO members (tid, oid, role, brokerage, display_name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tid, oid) DO UPDATE
         SET role = EXCLUDED.role, brokerage = EXCLUDED.brokerage, display_name = EXCLUDED.display_name`,
      [member.tid, member.oid, member.role, member.brokerage ?? null, member.displayName ?? null],
    );
  }

  async remove(tid: string, oid: string): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM members WHERE tid = $1 AND oid = $2 RETURNING oid', [
      tid,
      oid,
    ]);
    return rows.length > 0;
  }
}

function toMember(row: MemberRow): Member {
  return {
    tid: row.tid,
    oid: row.oid,
    role: row.role === MemberRole.Broker ? MemberRole.Broker : MemberRole.Underwriter,
    ...(row.brokerage === null ? {} : { brokerage: row.brokerage }),
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
  };
}
