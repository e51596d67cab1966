import type { ServerResponse } from 'node:http';

import type { EmulatorRequest } from '../common/http-kit';
import { sendJson } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { KeyRotationError } from '../keys/signing-key-store';
import { faultRuleSchema } from './fault-injector';

type AdminRoute = (
  req: EmulatorRequest,
  res: ServerResponse,
  ctx: EmulatorContext,
  body: unknown,
) => Promise<void>;

const ROUTES: Readonly<Record<string, AdminRoute>> = {
  'GET /_admin/token-requests': async (_req, res, ctx) => sendJson(res, 200, ctx.counter.snapshot()),
  'POST /_admin/token-requests/reset': async (_req, res, ctx) => {
    ctx.counter.reset();
    sendJson(res, 200, ctx.counter.snapshot());
  },
  'GET /_admin/graph-writes': async (_req, res, ctx) => sendJson(res, 200, { writes: ctx.graph.writes }),
  'GET /_admin/keys': async (_req, res, ctx) => sendJson(res, 200, { keys: ctx.keys.list() }),
  'POST /_admin/keys/rotate': rotateKeys,
  'POST /_admin/faults': async (_req, res, ctx, body) => {
    const rule = faultRuleSchema.safeParse(body);
    if (!rule.success)
      return sendJson(res, 400, {
        error: 'invalid_request',
        detail: rule.error.issues.map((i) => i.message),
      });
    ctx.faults.add(rule.data);
    sendJson(res, 201, { added: rule.data });
  },
  'DELETE /_admin/faults': async (_req, res, ctx) => {
    ctx.faults.clear();
    sendJson(res, 200, { cleared: true });
  },
};

/** Test-only admin API (CONTRACTS.md); the router serves it only when enabled and only to loopback peers. */
export async function handleAdmin(
  req: EmulatorRequest,
  res: ServerResponse,
  ctx: EmulatorContext,
): Promise<void> {
  const route = ROUTES[`${req.method} ${req.path}`];
  if (route === undefined) return sendJson(res, 404, { error: 'not_found' });
  const body = await readJson(req);
  if (body === INVALID)
    return sendJson(res, 400, { error: 'invalid_request', detail: ['body must be JSON'] });
  await route(req, res, ctx, body);
}

const INVALID = Symbol('invalid');

async function readJson(req: EmulatorRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req.raw) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

async function rotateKeys(
  _req: EmulatorRequest,
  res: ServerResponse,
  ctx: EmulatorContext,
  body: unknown,
): Promise<void> {
  const { action, kid } = (body ?? {}) as { action?: unknown; kid?: unknown };
  try {
    if (action === 'add') return sendJson(res, 200, { kid: await ctx.keys.add(), keys: ctx.keys.list() });
    if ((action === 'activate' || action === 'retire') && typeof kid === 'string') {
      await (action === 'activate' ? ctx.keys.activate(kid) : ctx.keys.retire(kid));
      return sendJson(res, 200, { kid, keys: ctx.keys.list() });
    }
    sendJson(res, 400, {
      error: 'invalid_request',
      detail: ['action must be add, or activate|retire with kid'],
    });
  } catch (error) {
    if (!(error instanceof KeyRotationError)) throw error;
    sendJson(res, 409, { error: 'conflict', detail: [error.message] });
  }
}
