import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO_TRACE = '0'.repeat(32);
const ALL_ZERO_SPAN = '0'.repeat(16);

/**
 * The W3C Trace Context `traceparent` for an outgoing call: a child span of `incoming` (same trace id and
 * flags, new parent id) when it is a valid version-00 header, else a new sampled trace
 * (https://www.w3.org/TR/trace-context/#traceparent-header).
 */
export function childTraceparent(incoming?: string): string {
  const match = incoming ? TRACEPARENT.exec(incoming.trim().toLowerCase()) : null;
  const traceId = match?.[1];
  const spanId = match?.[2];
  const spanIdHex = newSpanId();
  if (!match || !traceId || traceId === ALL_ZERO_TRACE || spanId === ALL_ZERO_SPAN) {
    return `00-${randomHex(16)}-${spanIdHex}-01`;
  }
  return `00-${traceId}-${spanIdHex}-${match[3]}`;
}

function newSpanId(): string {
  let id = randomHex(8);
  while (id === ALL_ZERO_SPAN) id = randomHex(8);
  return id;
}

// Random bytes drawn from a pool refilled 4 KiB at a time (as node's own randomUUID does): one
// getrandom call per ~500 span ids instead of one per outgoing call.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const hex = POOL.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}
