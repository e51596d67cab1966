import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** What a route requires of the caller's token (read by the JWT guard with `getAllAndOverride`). */
export interface RouteRequirements {
  /** Any one of these delegated scopes (`scp`). */
  readonly scopes?: readonly string[];
  /** Any one of these app roles (`roles`). */
  readonly roles?: readonly string[];
  /** With both scopes and roles: satisfied by either. */
  readonly scopesOrRoles?: boolean;
  /** `user`: delegated tokens only; `app`: app-only tokens only. */
  readonly kind?: 'user' | 'app';
  /** Client ids (`azp`/`appid`) allowed to call. */
  readonly callers?: readonly string[];
}

export const IS_PUBLIC = 'chain:auth:public';
export const REQUIRED_SCOPES = 'chain:auth:scopes';
export const REQUIRED_ROLES = 'chain:auth:roles';
export const SCOPES_OR_ROLES = 'chain:auth:scopes-or-roles';
export const REQUIRED_KIND = 'chain:auth:kind';
export const ALLOWED_CALLERS = 'chain:auth:callers';

/** The OpenAPI security scheme name the decorators reference (`@chain/platform` declares it). */
export const OPENAPI_SECURITY_SCHEME = 'bearer';

function documented(extension: string, requirement: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(OPENAPI_SECURITY_SCHEME),
    ApiExtension(extension, requirement),
    ApiUnauthorizedResponse({
      description: 'No valid access token (problem+json, WWW-Authenticate invalid_token)',
    }),
    ApiForbiddenResponse({ description: `Token lacks: ${requirement} (insufficient_scope)` }),
  );
}

/** The route needs no token (health, docs). Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Any one of `scopes` in the token's `scp` (delegated permissions). */
export const RequireScopes = (...scopes: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    documented('x-required-scopes', `scp: any of ${scopes.join(', ')}`),
  );

/** Any one of `roles` in the token's `roles` (application permissions or the user's app roles). */
export const RequireAppRoles = (...roles: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    documented('x-required-roles', `roles: any of ${roles.join(', ')}`),
  );

/** Either a delegated scope or an app role (an API callable both by users and by daemons). */
export const RequireScopesOrAppRoles = (required: {
  scopes: string[];
  roles: string[];
}): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, required.scopes),
    SetMetadata(REQUIRED_ROLES, required.roles),
    SetMetadata(SCOPES_OR_ROLES, true),
    documented(
      'x-required-scopes-or-roles',
      `scp: any of ${required.scopes.join(', ')} or roles: any of ${required.roles.join(', ')}`,
    ),
  );

/** Delegated (user) tokens only: `idtyp` = user, else a token with `scp`. */
export const UserOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_KIND, 'user'),
    documented('x-required-token-kind', 'a user (delegated) token'),
  );

/** App-only tokens only: `idtyp` = app, else a token without `scp`. */
export const AppOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_KIND, 'app'),
    documented('x-required-token-kind', 'an app-only token'),
  );

/** Only these calling applications (`azp`, or `appid` in v1 tokens). */
export const AllowedCallers = (...clientIds: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ALLOWED_CALLERS, clientIds),
    documented('x-allowed-callers', `caller (azp) one of ${clientIds.length} allowed clients`),
  );
