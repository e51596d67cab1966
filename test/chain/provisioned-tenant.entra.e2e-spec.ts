import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { loadRegistrations } from '@chain/local-tenant';
import { type Chain, type ChainEmulator, signIn, startChain } from '@chain/testing';

import { ApiClient } from './support/bff-api';
import { stopAndScanLogs } from './support/log-leaks';
import { listProgrammes, submittedProgramme } from './support/programmes';

const ROOT = resolve(__dirname, '../..');
const CHAIN_FILE = join(ROOT, 'libs/local-tenant/registrations.yaml');
const EMPTY_TENANT = join(ROOT, 'libs/local-tenant/registrations.provisioning.yaml');
const PROVISIONER = {
  PROVISION_CLIENT_ID: '9e5f3a7b-0c2d-4e4f-b6a8-3d9c7f1e2a10',
  PROVISION_CLIENT_SECRET: 'provisioner-local-secret-do-not-use-in-azure',
};

/**
 * `npm run provision` against the chain's emulator, started with an empty tenant; resolves with the
 * registrations file it wrote (the tenant's appIds and generated secrets).
 */
function provision(emulator: ChainEmulator, out: string): Promise<string> {
  const argv = ['--import', 'tsx', join(ROOT, 'scripts/provision/provision.ts')];
  argv.push('--emulator', emulator.publicUrl, '--registrations', CHAIN_FILE, '--out', out);
  const env = { ...process.env, ...PROVISIONER, NODE_EXTRA_CA_CERTS: emulator.caFile };
  return new Promise((ok, fail) => {
    execFile(process.execPath, argv, { cwd: ROOT, env, timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error !== null) fail(new Error(`provision failed: ${stderr}`));
      else ok(join(out, 'registrations.yaml'));
    });
  });
}

describe('the chain on a tenant created by npm run provision (emulator started empty)', () => {
  let chain: Chain;
  const out = mkdtempSync(join(tmpdir(), 'provisioned-chain-'));

  beforeAll(async () => {
    chain = await startChain({
      label: 'chain-provisioned',
      identityMode: 'entra',
      registrationsPath: CHAIN_FILE,
      emulatorRegistrationsPath: EMPTY_TENANT,
      beforeApis: (emulator) => provision(emulator, out),
    });
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('runs on the appIds the tenant assigned, not the file’s', () => {
    const file = loadRegistrations(CHAIN_FILE);
    for (const name of ['web', 'bff', 'program-service', 'pricing-service', 'documents-service']) {
      const fileClientId = file.applications.find((a) => a.name === name)?.clientId;
      expect(chain.clientId(name)).not.toBe(fileClientId);
    }
  });

  it('main journey: alice lists her programmes (OBO to program-service), uma prices one (OBO + client credentials to pricing-service)', async () => {
    const alice = new ApiClient(chain.url('bff'), await signIn(chain, 'alice'));
    const programmes = await listProgrammes(alice);
    expect(programmes.length).toBeGreaterThan(0);
    expect(new Set(programmes.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));

    const submitted = await submittedProgramme(alice, 'Northwind provisioned 2027');
    const uma = new ApiClient(chain.url('bff'), await signIn(chain, 'uma'));
    const res = await uma.get<{ programme: { id: string }; quote: Record<string, unknown> }>(
      `/api/programmes/${submitted.id}/quote`,
    );
    expect(res.status).toBe(200);
    expect(res.body.programme.id).toBe(submitted.id);
    expect(res.body.quote).toMatchObject({ premium: expect.any(Number) });
  });

  it('no log holds a token or a provisioned secret', async () => {
    const scan = await stopAndScanLogs(chain);
    expect(scan.logs).toContain('identity-emulator.log');
    expect(scan.leaks).toEqual([]);
  });
});
