import { generateKeyPairSync } from 'node:crypto';

import {
  AuthModule,
  ChainError,
  DownstreamClient,
  Principal,
  RequestContext,
  RequireScopes,
  TokenBrokerModule,
  UserOnly,
} from '@chain/auth';
import {
  type AcquiredToken,
  TOKEN_ACQUIRER,
  type TokenRequest,
  USER_DELEGATION_HEADER,
} from '@chain/auth/testing';
import type { HopRecord } from '@chain/contracts';
import { freePort, TestIssuer } from '@chain/testing';
import { Controller, Get, Headers, type INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { useAdopterPlumbing } from './support/adopter-plumbing';

const BFF = '1c8d3e0f-0000-4000-8000-000000003d22';
const PROGRAM = '2d9e4f1a-0000-4000-8000-000000004e33';
const PROGRAM_URI = 'https://contosob2c.onmicrosoft.com/program-service';
const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const SIGNING_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** program-service's step-up answer: 401 insufficient_claims (the error contract's claims challenge). */
class StepUpRequired extends ChainError {
  readonly code = 'claims_challenge' as const;
  readonly status = 401;
  constructor() {
    super('Approval needs a second factor.');
    this.wwwAuthenticate = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`;
  }
}

/** Proofs the callee accepted, in order (the test then replays one, as an interceptor would). */
const acceptedProofs: string[] = [];

/** The callee: user-level routes, as program-service declares them. */
@Controller('programmes')
@UserOnly()
class ProgrammesController {
  @Get()
  @RequireScopes('Program.Read', 'Program.ReadWrite')
  list(
    @Principal() user: Principal,
    @Headers(USER_DELEGATION_HEADER) proof: string,
  ): Record<string, unknown> {
    acceptedProofs.push(proof);
    const { kind, oid, roles, authMethods, scopes, delegatedBy, policy, identityProvider } = user;
    return { kind, oid, roles, authMethods, scopes, delegatedBy, policy, identityProvider };
  }

  @Post('approve')
  @RequireScopes('Program.ReadWrite')
  approve(@Principal() user: Principal): { approved: true } {
    if (!user.authMethods.includes('mfa')) throw new StepUpRequired();
    return { approved: true };
  }
}

/** The caller: a BFF route that calls the callee for its signed-in user. */
@Controller('api')
class BffController {
  constructor(private readonly downstream: DownstreamClient) {}

  @Get('programmes')
  @RequireScopes('access_as_user')
  async list(@Principal() user: Principal): Promise<{ data: unknown; hops: HopRecord[] }> {
    const hops = RequestContext.recordHops() ?? []; // what the CHAIN_TRACE inspector does
    const { data } = await this.downstream.forUser('PROGRAM', user).get('/programmes');
    return { data, hops };
  }

  @Post('approve')
  @RequireScopes('access_as_user')
  async approve(@Principal() user: Principal): Promise<unknown> {
    return (await this.downstream.forUser('PROGRAM', user).post('/programmes/approve')).data;
  }
}

/** The token service as seen by the BFF: client-credentials tokens for program-service, counted. */
class FakeTokenService {
  readonly requests: TokenRequest[] = [];
  constructor(private readonly issuer: TestIssuer) {}
  async acquire(req: TokenRequest): Promise<AcquiredToken> {
    this.requests.push(req);
    const accessToken = this.issuer.sign({
      aud: PROGRAM,
      azp: BFF,
      oid: 'sp-bff',
      sub: 'sp-bff',
      idtyp: 'app',
      roles: ['Delegation.Act'],
      jti: `cc-${this.requests.length}`,
    });
    return { accessToken, expiresOnMs: Date.now() + 3_600_000 };
  }
}

/** A caller Nest app publishing its delegation JWKS and a callee Nest app verifying it, over real HTTP. */
describe('verified delegation between two Nest apps', () => {
  let issuer: TestIssuer;
  let tokenService: FakeTokenService;
  let bff: INestApplication;
  let program: INestApplication;
  let bffUrl: string;
  let programUrl: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    tokenService = new FakeTokenService(issuer);
    const bffPort = await freePort();
    bffUrl = `http://127.0.0.1:${bffPort}`;
    program = await startProgram(`${bffUrl}/.well-known/delegation-jwks.json`);
    programUrl = await program.getUrl();
    bff = await startBff(bffPort);
  });

  afterAll(async () => {
    await bff?.close();
    await program?.close();
    await issuer?.stop();
  });

  async function startProgram(bffJwksUri: string): Promise<INestApplication> {
    @Module({
      imports: [
        AuthModule.forRoot({
          issuers: [issuer.issuer],
          jwksUri: issuer.jwksUri,
          audiences: [PROGRAM, PROGRAM_URI],
          delegation: { callers: [{ clientId: BFF, jwksUri: bffJwksUri, scopes: ['Program.ReadWrite'] }] },
        }),
      ],
      controllers: [ProgrammesController],
    })
    class ProgramModule {}
    const app = useAdopterPlumbing(
      (await Test.createTestingModule({ imports: [ProgramModule] }).compile()).createNestApplication({
        logger: false,
      }),
    );
    await app.listen(0, '127.0.0.1');
    return app;
  }

  async function startBff(port: number): Promise<INestApplication> {
    @Module({
      imports: [
        AuthModule.forRoot({
          issuers: [issuer.issuer],
          jwksUri: issuer.jwksUri,
          audiences: ['api://bff'],
          roleClaims: ['extension_Roles'],
          mfaPolicies: ['B2C_1_mfa'],
        }),
        TokenBrokerModule.forRoot({
          authority: `https://login.test/${issuer.tenantId}`,
          clientId: BFF,
          serviceName: 'bff',
          credential: { kind: 'secret', secret: 'not-a-real-secret' },
          downstreams: {
            PROGRAM: {
              baseUrl: programUrl,
              flow: 'verified-delegation',
              scopes: [`${PROGRAM_URI}/.default`],
              delegatedScopes: ['Program.ReadWrite'],
            },
          },
          delegation: { signingKeyPem: SIGNING_KEY },
        }),
      ],
      controllers: [BffController],
    })
    class BffModule {}
    const moduleRef = await Test.createTestingModule({ imports: [BffModule] })
      .overrideProvider(TOKEN_ACQUIRER)
      .useValue(tokenService)
      .compile();
    const app = useAdopterPlumbing(moduleRef.createNestApplication({ logger: false }));
    await app.listen(port, '127.0.0.1');
    return app;
  }

  /** A B2C-style user token for the BFF: roles in a custom attribute, the policy in tfp. */
  const userToken = (tfp: string, extra: Record<string, unknown> = {}) =>
    issuer.sign({
      aud: 'api://bff',
      azp: 'spa-client',
      oid: 'alice-oid',
      sub: 'alice-oid',
      scp: 'access_as_user',
      tfp,
      idp: 'google.com',
      extension_Roles: 'Underwriter',
      amr: ['pwd'],
      ...extra,
    });

  it('publishes the public key at /.well-known/delegation-jwks.json without a token', async () => {
    const response = await request(bffUrl).get('/.well-known/delegation-jwks.json').expect(200);
    expect(response.body.keys).toHaveLength(1);
    expect(Object.keys(response.body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(response.body.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
  });

  it('conveys the signed-in user to the callee, which sees a verified user principal', async () => {
    const response = await request(bffUrl)
      .get('/api/programmes')
      .set('authorization', `Bearer ${userToken('B2C_1_signin')}`)
      .expect(200);
    expect(response.body.data).toEqual({
      kind: 'user',
      oid: 'alice-oid',
      roles: ['Underwriter'],
      authMethods: ['pwd'],
      scopes: ['Program.ReadWrite'],
      delegatedBy: BFF,
      policy: 'B2C_1_signin',
      identityProvider: 'google.com',
    });
    expect(response.body.hops).toEqual([
      expect.objectContaining({
        from: 'bff',
        to: 'PROGRAM',
        flow: 'verified-delegation',
        status: 200,
        token: expect.objectContaining({
          claims: expect.objectContaining({ azp: BFF, roles: ['Delegation.Act'] }),
          delegation: expect.objectContaining({ oid: 'alice-oid', scp: 'Program.ReadWrite' }),
        }),
      }),
    ]);
    expect(tokenService.requests.every((r) => r.flow === 'client-credentials' && !r.assertion)).toBe(true);
  });

  it('carries the second factor of an MFA policy through the proof', async () => {
    const response = await request(bffUrl)
      .post('/api/approve')
      .set('authorization', `Bearer ${userToken('B2C_1_mfa')}`);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ approved: true });
  });

  it('relays the callee’s claims challenge to the caller at once, without asking for another token', async () => {
    const before = tokenService.requests.length;
    const response = await request(bffUrl)
      .post('/api/approve')
      .set('authorization', `Bearer ${userToken('B2C_1_signin', { jti: 'no-mfa' })}`);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'claims_challenge' });
    expect(response.headers['www-authenticate']).toContain('error="insufficient_claims"');
    expect(response.headers['www-authenticate']).toContain(
      `claims="${Buffer.from(CLAIMS).toString('base64')}"`,
    );
    expect(tokenService.requests.length).toBe(before);
  });

  it('answers a replayed proof with 401 delegation_binding_invalid and a bare app token with 403', async () => {
    await request(bffUrl)
      .get('/api/programmes')
      .set('authorization', `Bearer ${userToken('B2C_1_signin', { jti: 'capture' })}`)
      .expect(200);
    const proof = acceptedProofs.at(-1) ?? '';
    const otherToken = await tokenService.acquire({
      flow: 'client-credentials',
      scopes: [],
      correlationId: 'x',
    });
    const replayed = await request(programUrl)
      .get('/programmes')
      .set('authorization', `Bearer ${otherToken.accessToken}`)
      .set('x-user-delegation', proof);
    expect(replayed.status).toBe(401);
    expect(replayed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replayed.body).toMatchObject({ code: 'delegation_binding_invalid' });
    expect(replayed.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const bare = await request(programUrl)
      .get('/programmes')
      .set('authorization', `Bearer ${otherToken.accessToken}`);
    expect(bare.status).toBe(403);
    expect(bare.body).toMatchObject({ code: 'user_token_required' });
  });
});
