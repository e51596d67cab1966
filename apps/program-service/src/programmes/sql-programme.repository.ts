import { Injectable } from '@nestjs/common';

import { SqlClient } from '../common/database/sql.client';
import type { LineOfBusiness, Programme, ProgrammeStatus, Region } from './programme.model';
import {
  type NewProgramme,
  type ProgrammeChanges,
  ProgrammeRepository,
  type VisibilityFilter,
} from './programme.repository';

interface ProgrammeRow {
  [column: string]: unknown;
  id: string;
  name: string;
  brokerage: string;
  owner_oid: string;
  line_of_business: string;
  region: string;
  insured_value: string | number;
  currency: string;
  status: string;
  approved_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Columns an update may set, by field name; the only text ever spliced into SQL. */
const UPDATABLE_COLUMNS = {
  name: 'name',
  lineOfBusiness: 'line_of_business',
  region: 'region',
  insuredValue: 'insured_value',
  currency: 'currency',
  status: 'status',
  approvedBy: 'approved_by',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof ProgrammeChanges, string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** {@link ProgrammeRepository} over SQL (PostgreSQL or PGlite, same statements). */
@Injectable()
export class SqlProgrammeRepository extends ProgrammeRepository {
  constructor(private readonly sql: SqlClient) {
    super();
  }

  async findById(tid: string, id: string): Promise<Programme | undefined> {
    // A malformed id cannot name a programme; answering "none" keeps 404 the only answer.
    if (!UUID.test(id)) return undefined;
    const rows = await this.sql.query<ProgrammeRow>('SELECT * FROM programmes WHERE tid = $1 AND id = $2', [
      tid,
      id,
    ]);
    return rows[0] === undefined ? undefined : toProgramme(rows[0]);
  }

  async list(tid: string, filter: VisibilityFilter, limit: number): Promise<Programme[]> {
    const rows = await this.sql.query<ProgrammeRow>(
      `SELECT * FROM programmes
        WHERE tid = $1
          AND (brokerage = $2::text OR ($3::boolean AND status <> 'draft'))
          AND ($4::text IS NULL OR status = $4::text)
        ORDER BY created_at DESC, id
        LIMIT $5`,
      [tid, filter.brokerage ?? null, filter.allNonDrafts, filter.status ?? null, limit],
    );
    return rows.map(toProgramme);
  }

  async insert(tid: string, p: NewProgramme): Promise<Programme | undefined> {
    const rows = await this.sql.query<ProgrammeRow>(
      `INSERT INTO programmes (id, tid, name, brokerage, owner_oid, line_of_business, region, insured_value,
                               currency, status, created_at, updated_at)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (id) DO NOTHING
       RETURNING *`,
      [
        p.id ?? null,
        tid,
        p.name,
        p.brokerage,
        p.ownerOid,
        p.lineOfBusiness,
        p.region,
        p.insuredValue,
        p.currency,
        p.status,
        p.createdAt,
      ],
    );
    return rows[0] === undefined ? undefined : toProgramme(rows[0]);
  }

  async updateIfStatus(
    tid: string,
    id: string,
    expectedStatus: ProgrammeStatus,
    changes: ProgrammeChanges,
  ): Promise<Programme | undefined> {
    const fields = (Object.keys(UPDATABLE_COLUMNS) as (keyof ProgrammeChanges)[]).filter(
      (f) => changes[f] !== undefined,
    );
    const assignments = fields.map((field, i) => `${UPDATABLE_COLUMNS[field]} = $${i + 4}`);
    const rows = await this.sql.query<ProgrammeRow>(
      `UPDATE programmes SET ${assignments.join(', ')} WHERE tid = $1 AND id = $2 AND status = $3 RETURNING *`,
      [tid, id, expectedStatus, ...fields.map((field) => changes[field])],
    );
    return rows[0] === undefined ? undefined : toProgramme(rows[0]);
  }
}

function toProgramme(row: ProgrammeRow): Programme {
  return {
    id: row.id,
    name: row.name,
    brokerage: row.brokerage,
    ownerOid: row.owner_oid,
    lineOfBusiness: row.line_of_business as LineOfBusiness,
    region: row.region as Region,
    insuredValue: Number(row.insured_value),
    currency: row.currency,
    status: row.status as ProgrammeStatus,
    ...(row.approved_by === null ? {} : { approvedBy: row.approved_by }),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
