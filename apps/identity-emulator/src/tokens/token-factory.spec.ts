import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadRegistrations, TenantKind } from '@chain/local-tenant';
import { verify } from 'jsonwebtoken';

import { SigningKeyStore } from '../keys/signing-key-store';
import { Directory } from '../tenant/directory';
import { ClientAuthMethod, clientInfo, TokenFactory } from './token-factory';

const FROZEN = 1_800_000_000;
const TID = '5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f';
const ENTRA = { tid: TID, kind: TenantKind.Entra };

describe('TokenFactory', () => {
  let dir: string;
  let keys: SigningKeyStore;
  let factory: TokenFactory;
  const directory = new Directory(loadRegistrations());
  const bff = directory.appByName('bff')!;
  const program = directory.appByName('program-service')!;
  const alice = {
    oid: 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11',
    name: 'Alice',
    username: 'alice@x',
    amr: ['pwd'],
    acrs: [],
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'token-factory-'));
    keys = await SigningKeyStore.open(dir);
    factory = new TokenFactory({
      keys,
      issuerFor: (t) => `https://localhost:8443/${t}/v2.0`,
      accessTokenLifetimeSeconds: 3599,
      nowSeconds: () => FROZEN,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const claimsOf = (token: string): Record<string, unknown> =>
    verify(token, keys.active().publicKey, { algorithms: ['RS256'], clockTimestamp: FROZEN }) as Record<
      string,
      unknown
    >;

  it('issues a v2 user token with the resource GUID as audience and the frozen clock times', () => {
    const token = factory.userAccessToken({
      realm: ENTRA,
      client: bff,
      clientAuth: ClientAuthMethod.Secret,
      resource: program,
      user: alice,
      scopes: ['Program.Read', 'Program.ReadWrite'],
      roles: [],
    });
    expect(claimsOf(token)).toMatchObject({
      aud: program.clientId,
      iss: `https://localhost:8443/${TID}/v2.0`,
      iat: FROZEN,
      nbf: FROZEN,
      exp: FROZEN + 3599,
      ver: '2.0',
      scp: 'Program.Read Program.ReadWrite',
      azp: bff.clientId,
      azpacr: '1',
      tid: TID,
    });
    expect(claimsOf(token)).not.toHaveProperty('roles');
    expect(claimsOf(token)).not.toHaveProperty('acrs');
    expect(claimsOf(token)).not.toHaveProperty('idtyp');
  });

  it('gives an app token the service principal as oid and sub, roles, and no scp', () => {
    const claims = claimsOf(factory.appAccessToken(ENTRA, bff, ClientAuthMethod.Certificate, program, ['R']));
    expect(claims).toMatchObject({
      oid: bff.servicePrincipalId,
      sub: bff.servicePrincipalId,
      roles: ['R'],
      azpacr: '2',
    });
    expect(claims).not.toHaveProperty('scp');
    expect(claims).not.toHaveProperty('idtyp');
  });

  it('adds idtyp to app tokens of an API that asked for it, and to user tokens only with include_user_token', () => {
    const pricing = directory.appByName('pricing-service')!;
    const withUserToken = {
      ...pricing,
      reg: {
        ...pricing.reg,
        optionalClaims: {
          accessToken: [{ name: 'idtyp' as const, additionalProperties: ['include_user_token' as const] }],
          idToken: [],
        },
      },
    };
    const user = (resource: typeof pricing): Record<string, unknown> =>
      claimsOf(
        factory.userAccessToken({
          realm: ENTRA,
          client: bff,
          clientAuth: '1',
          resource,
          user: alice,
          scopes: ['x'],
          roles: [],
        }),
      );
    expect(claimsOf(factory.appAccessToken(ENTRA, bff, '1', pricing, ['R']))['idtyp']).toBe('app');
    expect([user(pricing)['idtyp'], user(withUserToken)['idtyp']]).toEqual([undefined, 'user']);
  });

  describe('v1 access tokens (an API with accessTokenAcceptedVersion null or 1)', () => {
    const v1 = (app: typeof program, optional: typeof program.reg.optionalClaims.accessToken = []) => ({
      ...app,
      tokenVersion: 1 as const,
      reg: {
        ...app.reg,
        accessTokenAcceptedVersion: null,
        optionalClaims: { accessToken: optional, idToken: [] },
      },
    });

    it('gives a user token the sts.windows.net issuer, the App ID URI asked for as aud, appid and upn', () => {
      const token = factory.userAccessToken({
        realm: ENTRA,
        client: bff,
        clientAuth: ClientAuthMethod.Secret,
        resource: v1(program),
        user: alice,
        scopes: ['Program.Read'],
        roles: [],
        resourceIdentifier: 'api://program-service',
      });
      const claims = claimsOf(token);
      expect(claims).toMatchObject({
        aud: 'api://program-service',
        iss: `https://sts.windows.net/${TID}/`,
        ver: '1.0',
        appid: bff.clientId,
        appidacr: '1',
        upn: alice.username,
        unique_name: alice.username,
        scp: 'Program.Read',
        tid: TID,
      });
      for (const v2Only of ['azp', 'azpacr', 'preferred_username']) expect(claims).not.toHaveProperty(v2Only);
      const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString());
      expect(header).toEqual({ typ: 'JWT', alg: 'RS256', x5t: header.kid, kid: expect.any(String) });
    });

    it('gives an app token the client id as aud when it was asked by GUID, or with aud use_guid', () => {
      const byGuid = claimsOf(
        factory.appAccessToken(ENTRA, bff, '1', v1(program), ['R'], { resourceIdentifier: program.clientId }),
      );
      const useGuid = v1(program, [{ name: 'aud', additionalProperties: ['use_guid'] }]);
      const forced = claimsOf(
        factory.appAccessToken(ENTRA, bff, '1', useGuid, ['R'], {
          resourceIdentifier: 'api://program-service',
        }),
      );
      expect(byGuid).toMatchObject({
        aud: program.clientId,
        appid: bff.clientId,
        idp: `https://sts.windows.net/${TID}/`,
        ver: '1.0',
        roles: ['R'],
      });
      expect(forced['aud']).toBe(program.clientId);
    });

    it('keeps External ID tokens v2 whatever the registration says', () => {
      const realm = { tid: TID, kind: TenantKind.ExternalId };
      const claims = claimsOf(
        factory.appAccessToken(realm, bff, '1', { ...program, tokenVersion: 1 }, ['R']),
      );
      expect(claims).toMatchObject({ ver: '2.0', aud: program.clientId, azp: bff.clientId });
    });
  });

  it('uses a different pairwise sub per application for the same user', () => {
    const forProgram = claimsOf(
      factory.userAccessToken({
        realm: ENTRA,
        client: bff,
        clientAuth: '1',
        resource: program,
        user: alice,
        scopes: ['x'],
        roles: [],
      }),
    );
    const idToken = claimsOf(factory.idToken(ENTRA, bff, alice, { nonce: 'n-1' }));
    expect(forProgram['sub']).not.toBe(idToken['sub']);
    expect(idToken).toMatchObject({ aud: bff.clientId, nonce: 'n-1', oid: alice.oid });
  });

  it('issues B2C-shaped tokens under a policy: ver 1.0, tfp, sub = oid, app permissions in scp', () => {
    const realm = { tid: TID, kind: TenantKind.B2c, policy: 'B2C_1_signin' };
    const user = claimsOf(
      factory.userAccessToken({
        realm,
        client: bff,
        clientAuth: '1',
        resource: program,
        user: alice,
        scopes: ['a'],
        roles: [],
      }),
    );
    expect(user).toMatchObject({
      ver: '1.0',
      tfp: 'B2C_1_signin',
      sub: alice.oid,
      emails: [alice.username],
      scp: 'a',
    });
    expect(user).not.toHaveProperty('idtyp');
    const app = claimsOf(factory.appAccessToken(realm, bff, '1', program, ['Read', 'Write']));
    expect(app).toMatchObject({ ver: '1.0', scp: 'Read Write' });
    expect(app).not.toHaveProperty('roles');
    expect(JSON.parse(Buffer.from(clientInfo('ABC', realm), 'base64url').toString())).toEqual({
      uid: 'abc-b2c_1_signin',
      utid: TID,
    });
  });

  it("puts a social account's idp and the custom attributes into B2C id and access tokens", () => {
    const realm = { tid: TID, kind: TenantKind.B2c, policy: 'B2C_1_signin' };
    const dana = { ...alice, userFlowClaims: { idp: 'google.com', extension_Roles: 'Broker' } };
    const access = claimsOf(
      factory.userAccessToken({
        realm,
        client: bff,
        clientAuth: '1',
        resource: program,
        user: dana,
        scopes: ['a'],
        roles: [],
      }),
    );
    const id = claimsOf(factory.idToken(realm, bff, dana, {}));
    for (const claims of [access, id])
      expect(claims).toMatchObject({ idp: 'google.com', extension_Roles: 'Broker', tfp: 'B2C_1_signin' });
    expect(access).not.toHaveProperty('amr');
  });

  it('issues External ID tokens as Entra v2 tokens, without idtyp when no optional claim asks for it', () => {
    const realm = { tid: TID, kind: TenantKind.ExternalId };
    const stepped = { ...alice, amr: ['pwd', 'mfa'], acrs: ['c1'] };
    const user = claimsOf(
      factory.userAccessToken({
        realm,
        client: bff,
        clientAuth: '1',
        resource: program,
        user: stepped,
        scopes: ['a'],
        roles: ['Underwriter'],
      }),
    );
    const app = claimsOf(factory.appAccessToken(realm, bff, '1', program, ['Read']));
    expect(user).toMatchObject({ ver: '2.0', azpacr: '1', scp: 'a', acrs: ['c1'], roles: ['Underwriter'] });
    expect(app).toMatchObject({ ver: '2.0', azpacr: '1', roles: ['Read'] });
    expect([user['idtyp'], app['idtyp'], app['scp']]).toEqual([undefined, undefined, undefined]);
  });

  it('encodes client_info as base64url JSON with uid and utid', () => {
    expect(
      JSON.parse(Buffer.from(clientInfo('o', { tid: 't', kind: TenantKind.Entra }), 'base64url').toString()),
    ).toEqual({
      uid: 'o',
      utid: 't',
    });
  });
});
