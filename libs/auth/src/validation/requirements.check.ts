import type { AuthenticatedPrincipal } from './principal';
import type { RouteRequirements } from './requirements';
import { InsufficientScopeError } from './validation.errors';

/**
 * A route's requirements against a validated principal; throws the first unmet one as a 403
 * `insufficient_scope` with its own code. Order: token kind, caller, then scopes/roles.
 */
export function assertRequirements(principal: AuthenticatedPrincipal, req: RouteRequirements): void {
  if (req.kind === 'user' && principal.kind !== 'user') {
    throw new InsufficientScopeError(
      'user_token_required',
      'This route needs a user (delegated) token.',
      req.scopes,
    );
  }
  if (req.kind === 'app' && principal.kind !== 'app') {
    throw new InsufficientScopeError('app_token_required', 'This route needs an app-only token.', req.roles);
  }
  if (req.callers && !(principal.callerAppId && req.callers.includes(principal.callerAppId))) {
    throw new InsufficientScopeError(
      'caller_not_allowed',
      'The calling application is not allowed on this route.',
    );
  }
  const scopes = req.scopes ?? [];
  const roles = req.roles ?? [];
  const hasScope = scopes.some((s) => principal.scopes.includes(s));
  const hasRole = roles.some((r) => principal.roles.includes(r));
  if (req.scopesOrRoles) {
    if (hasScope || hasRole) return;
    throw new InsufficientScopeError(
      'scope_missing',
      'The token has none of the scopes or app roles this route requires.',
      [...scopes, ...roles],
    );
  }
  if (scopes.length && !hasScope) {
    throw new InsufficientScopeError(
      'scope_missing',
      `The token lacks a required scope (any of: ${scopes.join(', ')}).`,
      scopes,
    );
  }
  if (roles.length && !hasRole) {
    throw new InsufficientScopeError(
      'app_role_missing',
      `The token lacks a required app role (any of: ${roles.join(', ')}).`,
      roles,
    );
  }
}
