import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';

import { type BrokerPrincipal, TokenBroker } from '../token-broker/token-broker.service';
import { TOKEN_BROKER_SETTINGS, type TokenBrokerSettings } from '../token-broker/token-broker.settings';
import { DownstreamApi } from './downstream-api';

/**
 * Entry point to the declared downstream APIs (Microsoft.Identity.Web's `CallApiForUserAsync` /
 * `CallApiForAppAsync`): `forUser(name, principal)` calls on behalf of the signed-in user, `forApp(name)` as
 * the app itself. The returned {@link DownstreamApi} is cheap; get one per call site.
 */
@Injectable()
export class DownstreamClient {
  constructor(
    private readonly broker: TokenBroker,
    private readonly http: HttpService,
    @Inject(TOKEN_BROKER_SETTINGS) private readonly settings: TokenBrokerSettings,
  ) {}

  /** A client for downstream `name` carrying tokens for `principal`'s user (see `TokenBroker.forUser`). */
  forUser(name: string, principal: BrokerPrincipal): DownstreamApi {
    const declaration = this.broker.declaration(name);
    return new DownstreamApi({
      name,
      from: this.settings.serviceName,
      declaration,
      flow: declaration.flow,
      http: this.http,
      token: (options) => this.broker.forUser(name, principal, options),
      requestDeadlineMs: this.settings.requestDeadlineMs,
    });
  }

  /** A client for downstream `name` carrying the app's own (client-credentials) tokens. */
  forApp(name: string): DownstreamApi {
    const declaration = this.broker.declaration(name);
    return new DownstreamApi({
      name,
      from: this.settings.serviceName,
      declaration,
      flow: declaration.flow,
      http: this.http,
      token: (options) => this.broker.forApp(name, options),
      requestDeadlineMs: this.settings.requestDeadlineMs,
    });
  }
}
