import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

import {
  ALLOWED_CALLERS,
  IS_PUBLIC,
  REQUIRED_KIND,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
  type RouteRequirements,
  SCOPES_OR_ROLES,
} from './requirements';
import { assertRequirements } from './requirements.check';
import { TokenValidator } from './token-validator';
import { USER_DELEGATION_HEADER } from './user-delegation';
import { InvalidTokenError } from './validation.errors';

type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * The global guard: deny by default (`@Public()` opts out). The bearer token goes through
 * {@link TokenValidator.validate}, the one validation path of this library (a token seen before and still
 * valid skips the signature check through its validated-token cache; the header is parsed and the token
 * hashed once either way). A request that also carries `X-User-Delegation` gets the user that proof conveys, once the
 * proof is verified against the bearer token (docs/auth.md "Verified delegation"). Then the route's
 * requirements are checked on every request.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly validator: TokenValidator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets: Targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const bearer = await this.validator.validate(bearerTokenOf(req));
    const proof = delegationProofOf(req);
    const user = proof === undefined ? bearer : await this.validator.delegated(bearer, proof);
    (req as { user?: unknown }).user = user;
    assertRequirements(user, this.requirementsOf(targets));
    return true;
  }

  private requirementsOf(targets: Targets): RouteRequirements {
    const get = <T>(key: string): T | undefined => this.reflector.getAllAndOverride<T>(key, targets);
    return {
      scopes: get<string[]>(REQUIRED_SCOPES),
      roles: get<string[]>(REQUIRED_ROLES),
      scopesOrRoles: get<boolean>(SCOPES_OR_ROLES),
      kind: get<'user' | 'app'>(REQUIRED_KIND),
      callers: get<string[]>(ALLOWED_CALLERS),
    };
  }
}

const SCHEME = 'bearer';

/**
 * RFC 6750 §2.1: `Authorization: Bearer <token>`; any other scheme counts as no token. Parsed without a
 * backtracking regex: a 16 KiB header of whitespace must cost linear time before any authentication.
 */
export function bearerTokenOf(req: Pick<Request, 'headers'>): string {
  const header = req.headers.authorization;
  const missing = () =>
    new InvalidTokenError('token_missing', 'This route needs an access token (Authorization: Bearer).');
  if (!header) throw missing();
  const rest = header.slice(SCHEME.length);
  if (header.slice(0, SCHEME.length).toLowerCase() !== SCHEME || (rest !== '' && !/^\s/.test(rest)))
    throw missing();
  const token = rest.trim();
  if (token === '')
    throw new InvalidTokenError('token_malformed', 'The Authorization header carries an empty token.');
  if (/\s/.test(token))
    throw new InvalidTokenError('token_malformed', 'The Authorization header is malformed.');
  return token;
}

/** The `X-User-Delegation` proof, if the request carries one (an empty or repeated header is malformed). */
function delegationProofOf(req: Pick<Request, 'headers'>): string | undefined {
  const value = req.headers[USER_DELEGATION_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.includes(','))
    throw new InvalidTokenError('delegation_invalid', 'The X-User-Delegation header must carry one proof.');
  return value.trim();
}
