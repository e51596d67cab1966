import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { loadRegistrations, registrationsFileOf } from '@chain/local-tenant';
import { type Chain, type SignedIn, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { stopAndScanLogs } from './support/log-leaks';
import { createProgramme, listProgrammes, type Programme } from './support/programmes';
import { RENAMED, writeRenamedTenant } from './support/renamed-tenant';

/*
 * Any tenant file: the whole chain started from a second registrations file whose tenant, applications,
 * client ids, App ID URIs, secrets and users are all different from the local one's (the applications play
 * their parts through `role:`), then the main journey through the BFF: the user's programmes (OBO), a new
 * programme, a quote (OBO + client credentials), a document stored and read back through the second hop.
 */
describe('the chain from another tenant file, with other names and identities', () => {
  let chain: Chain;
  let file: string;
  let ana: SignedIn;
  let api: ApiClient;
  let programme: Programme;

  beforeAll(async () => {
    file = writeRenamedTenant(registrationsFileOf('entra')).path;
    chain = await startChain({ label: 'chain-renamed', identityMode: 'entra', registrationsPath: file });
    ana = await signIn(chain, 'ana');
    api = new ApiClient(chain.url('bff'), ana);
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  it('shares no name, client id, App ID URI or user with the local tenant file', () => {
    const local = loadRegistrations(registrationsFileOf('entra'));
    const other = chain.registrations;
    const ids = (r: typeof local) => r.applications.flatMap((a) => [a.name, a.clientId, ...a.identifierUris]);
    expect(ids(other).filter((id) => ids(local).includes(id))).toEqual([]);
    expect(other.tenants[0]?.id).not.toBe(local.tenants[0]?.id);
    const users = (r: typeof local) => r.users.flatMap((u) => [u.username, u.oid]);
    expect(users(other).filter((u) => users(local).includes(u))).toEqual([]);
    expect(other.applications.map((a) => a.name)).toEqual(expect.arrayContaining(Object.values(RENAMED)));
  });

  it("signs ana in at the SPA's registration for the BFF's registration, whatever they are called", () => {
    expect(ana.claims).toMatchObject({
      aud: chain.clientId('bff'),
      azp: chain.clientId('web'),
      tid: chain.tenantId,
    });
    expect(chain.clientId('bff')).toBe(
      chain.registrations.applications.find((a) => a.name === RENAMED.bff)?.clientId,
    );
  });

  it("lists the programmes of ana's brokerage and creates one she owns (on behalf of her)", async () => {
    const listed = await listProgrammes(api);
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));
    programme = await createProgramme(api, 'Fabrikam harbour 2027');
    expect(programme).toMatchObject({ brokerage: 'Northwind', ownerOid: ana.claims['oid'], status: 'draft' });
  });

  it('prices it in one BFF request: on behalf of ana to policy-api, client credentials to rating-api', async () => {
    const res = await api.get<{ quote: { premium: number } }>(`/api/programmes/${programme.id}/quote`);
    expect(res.status).toBe(200);
    expect(res.body.quote.premium).toBeGreaterThan(0);
  });

  it('stores a document through files-api, which checks the programme at policy-api on behalf of ana', async () => {
    const bytes = Buffer.from(`schedule of values for ${programme.id}\n`, 'utf8');
    const stored = await api.upload<{ id: string }>(`/api/programmes/${programme.id}/documents`, {
      name: 'schedule.txt',
      type: 'text/plain',
      bytes,
    });
    expect(stored.status).toBe(201);
    const read = await api.get(`/api/programmes/${programme.id}/documents/${stored.body.id}`);
    expect(read.status).toBe(200);
    expect(read.bytes.equals(bytes)).toBe(true);
  });

  it("leaves none of the other tenant's tokens or secrets in any log", async () => {
    expect((await stopAndScanLogs(chain)).leaks).toEqual([]);
  });
});
