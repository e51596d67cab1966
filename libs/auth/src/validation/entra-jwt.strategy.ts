import type { KeyObject } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Passport } from 'passport';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';

import type { AccessTokenClaims, AuthenticatedPrincipal } from './principal';
import { TokenValidator } from './token-validator';

/** The passport strategy name of this library. */
export const ENTRA_JWT = 'entra-jwt';

/**
 * Each AuthModule has its own passport `Authenticator`: passport's default instance is process-global,
 * so two apps in one process (tests, a gateway hosting several APIs) would otherwise share whichever
 * strategy registered last — and its issuer and audiences.
 */
export const AUTH_PASSPORT = Symbol('AUTH_PASSPORT');

/** A passport authenticator instance (`new Passport()`). */
export type Authenticator = InstanceType<typeof Passport>;

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();
const DISCARDED_REGISTRATIONS: Authenticator = new Passport();

/**
 * passport-jwt with jwks-rsa behind it, for an app that composes its own guards with passport: the key
 * provider checks the header and hands jsonwebtoken a cached `KeyObject` for the token's `kid` (RS256 only,
 * audiences, clock tolerance); `validate` then runs the issuer / tenant / permission checks and builds the
 * principal — {@link TokenValidator}'s own steps and options. The global `JwtAuthGuard` does not go through
 * passport: it calls `TokenValidator.validate` directly (docs/auth.md "How a token is checked").
 */
@Injectable()
export class EntraJwtStrategy extends PassportStrategy(Strategy, ENTRA_JWT) {
  constructor(
    private readonly validator: TokenValidator,
    @Inject(AUTH_PASSPORT) authenticator: Authenticator,
  ) {
    super({
      jwtFromRequest: fromBearer,
      secretOrKeyProvider: keyProvider(validator),
      algorithms: validator.verifyOptions.algorithms,
      audience: validator.verifyOptions.audience as string[],
      jsonWebTokenOptions: { clockTolerance: validator.verifyOptions.clockTolerance },
      passReqToCallback: true,
    });
    authenticator.use(ENTRA_JWT, this);
  }

  /** Called by the mixin's constructor: keep that registration away from passport's global instance. */
  getPassportInstance(): Authenticator {
    return DISCARDED_REGISTRATIONS;
  }

  validate(req: Request, claims: AccessTokenClaims): AuthenticatedPrincipal {
    return this.validator.accept(fromBearer(req) ?? '', claims);
  }
}

function keyProvider(validator: TokenValidator): SecretOrKeyProvider<Request> {
  return (_req, rawToken: string, done) => {
    validator.keyFor(rawToken).then(
      ({ key }) => (done as (err: unknown, key?: KeyObject) => void)(null, key),
      (error: unknown) => done(error),
    );
  };
}
