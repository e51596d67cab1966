import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import {
  BodyTooDeepError,
  BodyTooLargeError,
  ForbiddenMemberError,
  MalformedBodyError,
  TooManyParametersError,
} from './body-limits.errors';
import { type BodyLimits, FORBIDDEN_MEMBERS, resolveBodyLimits } from './body-limits.options';
import { exceedsJsonDepth, forbiddenMemberOf } from './json-shape';

/**
 * The JSON body parser of every app: body-parser's (as Nest's default) with the size limit, plus the depth
 * check on the raw bytes before `JSON.parse` and the forbidden-member check after it. Failures go to
 * `next(error)` as typed errors, which the app's problem+json filter renders (400/413 naming the limit).
 *
 * The function is named `jsonParser` on purpose: Nest installs its own parser only when no middleware of
 * that name is registered (ExpressAdapter.registerParserMiddleware).
 */
export function jsonBodyParser(overrides: Partial<BodyLimits> = {}): RequestHandler {
  const limits = resolveBodyLimits(overrides);
  const parse = express.json({
    limit: limits.maxBytes,
    verify: (_req, _res, bytes) => {
      if (exceedsJsonDepth(bytes, limits.maxDepth)) throw new BodyTooDeepError(limits.maxDepth);
    },
  });
  return function jsonParser(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (error?: unknown) => next(error === undefined ? refusal(req) : mapped(error, limits)));
  };
}

/**
 * The form (`application/x-www-form-urlencoded`) parser of every app: flat fields only (no `a[b]` nesting,
 * which stays a literal, unknown member), at most `maxParameters` of them, forbidden members refused. Named
 * `urlencodedParser` so that Nest does not add its own (nesting) one.
 */
export function formBodyParser(overrides: Partial<BodyLimits> = {}): RequestHandler {
  const limits = resolveBodyLimits(overrides);
  const parse = express.urlencoded({
    extended: false,
    limit: limits.maxBytes,
    parameterLimit: limits.maxParameters,
    // The form parser drops a `__proto__` field silently: look for forbidden names in the raw fields.
    verify: (_req, _res, bytes) => {
      const member = forbiddenFormFieldOf(bytes);
      if (member !== undefined) throw new ForbiddenMemberError(member);
    },
  });
  return function urlencodedParser(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (error?: unknown) => next(error === undefined ? refusal(req) : mapped(error, limits)));
  };
}

/** Installs both parsers on `app` (before `init()`), so that Nest's defaults are not added. */
export function useBodyParsers(app: INestApplication, overrides: Partial<BodyLimits> = {}): void {
  app.use(jsonBodyParser(overrides));
  app.use(formBodyParser(overrides));
}

function forbiddenFormFieldOf(bytes: Buffer): string | undefined {
  for (const name of new URLSearchParams(bytes.toString('latin1')).keys()) {
    if (FORBIDDEN_MEMBERS.has(name)) return name;
  }
  return undefined;
}

function refusal(req: Request): ForbiddenMemberError | undefined {
  const member = forbiddenMemberOf(req.body);
  return member === undefined ? undefined : new ForbiddenMemberError(member);
}

/**
 * body-parser's errors (http-errors with a `type`) as the chain's typed errors where a limit or the syntax
 * is at stake, so the answer names the limit and never echoes the body; others (415 charset, 400 aborted)
 * pass unchanged and are rendered from their status.
 */
function mapped(error: unknown, limits: BodyLimits): unknown {
  // Thrown by a `verify` hook, then decorated by body-parser with the raw body: pass a clean copy on.
  if (error instanceof BodyTooDeepError) return new BodyTooDeepError(limits.maxDepth);
  if (error instanceof ForbiddenMemberError)
    return new ForbiddenMemberError(String(error.extensions?.['member']));
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'entity.too.large':
      return new BodyTooLargeError(limits.maxBytes);
    case 'parameters.too.many':
      return new TooManyParametersError(limits.maxParameters);
    case 'entity.parse.failed':
      return new MalformedBodyError('json');
    case 'querystring.parse.rangeError':
      return new MalformedBodyError('form');
    default:
      return error;
  }
}
