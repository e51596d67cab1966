import { randomUUID } from 'node:crypto';

import { PGlite } from '@electric-sql/pglite';
import {
  Controller,
  Get,
  Injectable,
  Module,
  NotFoundException,
  type OnModuleInit,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';

/** A programme as program-service returns it (docs/CONTRACTS.md). */
export interface BaselineProgramme {
  id: string;
  name: string;
  brokerage: string;
  ownerOid: string;
  lineOfBusiness: string;
  region: string;
  insuredValue: number;
  currency: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

interface ProgrammeRow {
  id: string;
  name: string;
  brokerage: string;
  owner_oid: string;
  line_of_business: string;
  region: string;
  insured_value: string;
  currency: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}

/** Fixed id of the one seeded programme (the bench asks for it). */
export const BASELINE_PROGRAMME_ID = '7a0c2b1e-3d4f-4a5b-8c6d-9e0f1a2b3c4d';

/** Programmes in PGlite (in memory), like program-service without a DATABASE_URL: one parameterised read per call. */
@Injectable()
export class BaselineProgrammeStore implements OnModuleInit {
  private readonly db = new PGlite();

  async onModuleInit(): Promise<void> {
    await this.db.exec(`CREATE TABLE programmes (
      id uuid PRIMARY KEY, name text NOT NULL, brokerage text NOT NULL, owner_oid text NOT NULL,
      line_of_business text NOT NULL, region text NOT NULL, insured_value numeric NOT NULL,
      currency text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
    await this.db.query(
      `INSERT INTO programmes VALUES ($1, 'Marine cargo 2027', 'Northwind', $2, 'marine', 'uk', 2500000, 'GBP', 'draft', now(), now())`,
      [BASELINE_PROGRAMME_ID, randomUUID()],
    );
  }

  async find(id: string): Promise<BaselineProgramme | undefined> {
    const { rows } = await this.db.query<ProgrammeRow>('SELECT * FROM programmes WHERE id = $1', [id]);
    const row = rows[0];
    return row === undefined
      ? undefined
      : {
          id: row.id,
          name: row.name,
          brokerage: row.brokerage,
          ownerOid: row.owner_oid,
          lineOfBusiness: row.line_of_business,
          region: row.region,
          insuredValue: Number(row.insured_value),
          currency: row.currency,
          status: row.status,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
        };
  }
}

/** `GET /programmes/:id` of program-service, without authentication or user-level rules. */
@Controller('programmes')
export class BaselineProgrammesController {
  constructor(private readonly store: BaselineProgrammeStore) {}

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<BaselineProgramme> {
    const programme = await this.store.find(id);
    if (programme === undefined) throw new NotFoundException();
    return programme;
  }
}

@Module({ controllers: [BaselineProgrammesController], providers: [BaselineProgrammeStore] })
export class BaselineProgramModule {}
