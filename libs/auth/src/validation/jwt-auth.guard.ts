import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';

import { ChainError } from '../errors/chain.error';
import { ENTRA_JWT } from './entra-jwt.strategy';
import { AuthenticatedPrincipal } from './principal';
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
import { toInvalidTokenError, TokenValidator } from './token-validator';
import { InvalidTokenError } from './validation.errors';

type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * The global guard: deny by default (`@Public()` opts out). A token seen before and still valid
 * skips the signature check (validated-token cache); any other goes through the passport-jwt
 * strategy. Then the route's requirements are checked on every request.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(ENTRA_JWT) {
  constructor(
    private readonly reflector: Reflector,
    private readonly validator: TokenValidator,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets: Targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const cached = this.validator.cached(bearerTokenOf(req));
    if (cached) req.user = cached;
    else await super.canActivate(context);
    if (!(req.user instanceof AuthenticatedPrincipal))
      throw new InvalidTokenError('token_malformed', 'The access token could not be read.');
    assertRequirements(req.user, this.requirementsOf(targets));
    return true;
  }

  override handleRequest<TUser>(err: unknown, user: TUser, info: unknown): TUser {
    if (user && !err) return user;
    const cause = err ?? info;
    if (cause instanceof ChainError) throw cause;
    throw toInvalidTokenError(cause);
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

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; any other scheme counts as no token. */
export function bearerTokenOf(req: Pick<Request, 'headers'>): string {
  const header = req.headers.authorization;
  if (!header)
    throw new InvalidTokenError('token_missing', 'This route needs an access token (Authorization: Bearer).');
  const match = /^Bearer(?:\s+(\S*))?\s*$/i.exec(header);
  if (!match) {
    if (/^Bearer\s/i.test(header))
      throw new InvalidTokenError('token_malformed', 'The Authorization header is malformed.');
    throw new InvalidTokenError('token_missing', 'This route needs an access token (Authorization: Bearer).');
  }
  if (!match[1])
    throw new InvalidTokenError('token_malformed', 'The Authorization header carries an empty token.');
  return match[1];
}
