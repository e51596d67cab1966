// The adopter's whole code in the quick start of docs/auth.md: an API protected by @chain/auth that calls a
// downstream on behalf of the user and another as itself. adopt-auth-package.entra.e2e-spec.ts runs it from
// the packed package in a folder outside the repository. (Kept as dense as a quick start: .prettierignore.)
import { AuthModule, ChainErrorFilter, DownstreamClient, DownstreamFlow, Principal, RequireScopes, TokenBrokerModule } from '@chain/auth';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const env = process.env as Record<string, string>;
const broker = { authority: env.AUTHORITY, knownAuthorities: [env.AUTHORITY_HOST], clientId: env.CLIENT_ID };
const program = { baseUrl: env.PROGRAM_URL, flow: DownstreamFlow.OnBehalfOf, scopes: [env.PROGRAM_SCOPE] };
const pricing = { baseUrl: env.PRICING_URL, flow: DownstreamFlow.ClientCredentials, scopes: [env.PRICING_SCOPE] };

@Controller()
class HelloController {
  constructor(private readonly downstreams: DownstreamClient) {}

  @Get('hello')
  @RequireScopes('access_as_user')
  async hello(@Principal() user: Principal) {
    const programmes = await this.downstreams.forUser('program', user).get('/programmes');
    const rates = await this.downstreams.forApp('pricing').get('/rates?lineOfBusiness=property&region=uk');
    return { user: user.oid, programmes: programmes.data, rates: rates.data };
  }
}

@Module({
  imports: [
    AuthModule.forRoot({ issuers: [env.ISSUER], jwksUri: env.JWKS_URI, audiences: [env.AUDIENCE] }),
    TokenBrokerModule.forRoot({ ...broker, credential: { kind: 'secret', secret: env.SECRET }, downstreams: { program, pricing } }),
  ],
  controllers: [HelloController],
})
class AppModule {}

void NestFactory.create(AppModule).then((app) => app.useGlobalFilters(new ChainErrorFilter()).listen(Number(env.PORT), '127.0.0.1'));
