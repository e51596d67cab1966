import type { HopRecord } from '@chain/contracts';
import { ApiProperty } from '@nestjs/swagger';

import type { ChainTrace } from './chain-trace.store';

/** A trace as `GET /api/chain` returns it. */
export class ChainTraceDto implements ChainTrace {
  @ApiProperty() correlationId!: string;
  @ApiProperty({ example: 'GET' }) method!: string;
  @ApiProperty({ example: '/api/programmes/…/quote' }) path!: string;
  @ApiProperty({ example: 200 }) status!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'HopRecord[] (CONTRACTS.md): from, to, flow, method, path, status, durationMs, token {source, acquireMs, claims}, children',
  })
  hops!: readonly HopRecord[];
}

/** Answer of `GET /api/chain`, newest first. */
export class ChainTraceListDto {
  @ApiProperty({ type: [ChainTraceDto] }) traces!: ChainTraceDto[];
}
