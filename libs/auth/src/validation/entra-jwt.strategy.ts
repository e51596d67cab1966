import type { KeyObject } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';

import type { AccessTokenClaims, AuthenticatedPrincipal } from './principal';
import { TokenValidator } from './token-validator';

/** The passport strategy name of this library. */
export const ENTRA_JWT = 'entra-jwt';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt with jwks-rsa behind it: the key provider checks the header and hands jsonwebtoken a
 * cached `KeyObject` for the token's `kid` (RS256 only, audiences, clock tolerance); `validate` then
 * runs the issuer / tenant / permission checks and builds the principal.
 */
@Injectable()
export class EntraJwtStrategy extends PassportStrategy(Strategy, ENTRA_JWT) {
  constructor(private readonly validator: TokenValidator) {
    super({
      jwtFromRequest: fromBearer,
      secretOrKeyProvider: keyProvider(validator),
      algorithms: validator.verifyOptions.algorithms,
      audience: validator.verifyOptions.audience as string[],
      jsonWebTokenOptions: { clockTolerance: validator.verifyOptions.clockTolerance },
      passReqToCallback: true,
    });
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
