import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

import { Public } from '../validation/requirements';
import { DELEGATION_JWKS_PATH } from '../validation/user-delegation';
import type { DelegationJwk } from './delegation-signing-key';
import { TOKEN_BROKER_SETTINGS, type TokenBrokerSettings } from './token-broker.settings';

/**
 * `GET /.well-known/delegation-jwks.json`: the public key of this app's user-delegation proofs, which the
 * downstreams it delegates to fetch (their `delegation.callers[].jwksUri`). Public, like any JWKS; it
 * carries the public modulus and exponent only. Registered by `TokenBrokerModule` when a key is configured.
 */
@ApiExcludeController()
@Controller()
export class DelegationJwksController {
  constructor(@Inject(TOKEN_BROKER_SETTINGS) private readonly settings: TokenBrokerSettings) {}

  @Public()
  @Get(DELEGATION_JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: DelegationJwk[] } {
    const key = this.settings.delegation;
    if (!key) throw new NotFoundException('No delegation signing key is configured.');
    return { keys: [key.publicJwk] };
  }
}
