import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Chain, repoRoot, startChain } from '@chain/testing';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { formatEnv } from '../../scripts/doctor/env-file';
import { type DoctorOptions, loadChain } from '../../scripts/doctor/load-chain';
import { renderText } from '../../scripts/doctor/report';
import { type DoctorReport, runDoctor } from '../../scripts/doctor/run-doctor';

interface EditableRegistrations {
  applications: { name: string; requiredResourceAccess?: { resource: string; consented?: boolean }[] }[];
}

describe('npm run doctor names each fault of a broken chain and its fix (entra)', () => {
  let chain: Chain;
  let dir: string;
  let variant = 0;

  beforeAll(async () => {
    chain = await startChain({ identityMode: 'entra', apps: [], label: 'chain-doctor-faults' });
    dir = await mkdtemp(join(tmpdir(), 'doctor-faults-'));
  }, 60_000);

  afterAll(async () => {
    await chain?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function options(extra: Partial<DoctorOptions> = {}): DoctorOptions {
    return {
      root: repoRoot(),
      identityMode: 'entra',
      registrationsPath: chain.registrationsPath,
      emulatorUrl: chain.emulatorUrl,
      caFile: chain.caFile,
      ...extra,
    };
  }

  async function doctor(extra: Partial<DoctorOptions> = {}): Promise<DoctorReport> {
    const { chain: config, localCaFile } = loadChain(options(extra));
    return runDoctor(config, localCaFile);
  }

  /** Doctor with one app's environment as the local chain derives it, changed by `edit`, given as an env file. */
  async function withEnv(app: string, edit: (env: Record<string, string>) => void): Promise<DoctorReport> {
    const env = { ...loadChain(options()).chain.apps.find((a) => a.name === app)?.env };
    edit(env);
    const file = join(dir, `${app}-${(variant += 1)}.env`);
    await writeFile(file, formatEnv(env));
    return doctor({ envFiles: { [app]: file } });
  }

  /** Doctor on a copy of the registrations changed by `edit` (the emulator keeps the good ones). */
  async function withRegistrations(edit: (reg: EditableRegistrations) => void): Promise<DoctorReport> {
    const reg = parseYaml(await readFile(chain.registrationsPath, 'utf8')) as EditableRegistrations;
    edit(reg);
    const file = join(dir, `registrations-${(variant += 1)}.yaml`);
    await writeFile(file, stringifyYaml(reg));
    return doctor({ registrationsPath: file });
  }

  function failed(report: DoctorReport, check: string, app?: string): DoctorReport['findings'] {
    return report.findings.filter(
      (f) => f.status === 'fail' && f.check === check && (app === undefined || f.app === app),
    );
  }

  it('names a missing consent on the second hop (documents-service → program-service) as AADSTS65001, with its fix', async () => {
    const report = await withRegistrations((reg) => {
      const documents = reg.applications.find((a) => a.name === 'documents-service');
      for (const access of documents?.requiredResourceAccess ?? []) access.consented = false;
    });

    const [fault, ...more] = failed(report, 'consent');
    expect(more).toEqual([]);
    expect(fault).toMatchObject({ app: 'documents-service', subject: 'PROGRAM', code: 'AADSTS65001' });
    expect(fault?.message).toMatch(/second hop.*Program\.Read/);
    expect(fault?.fix).toMatch(/consented: true/);
    expect(failed(report, 'obo-readiness').map((f) => `${f.app} ${f.subject}`)).toEqual([
      'documents-service PROGRAM',
    ]);
    expect(renderText(report)).toMatch(
      /✘ consent PROGRAM[\s\S]*fix: grant admin consent to documents-service/,
    );
  });

  it('names a scope program-service does not expose (AADSTS70011) and what it exposes', async () => {
    const report = await withEnv('bff', (env) => {
      env['DOWNSTREAM_APIS__PROGRAM__SCOPES'] = 'api://program-service/Program.Delete';
    });

    const [fault] = failed(report, 'scope', 'bff');
    expect(fault).toMatchObject({ subject: 'PROGRAM', code: 'AADSTS70011' });
    expect(fault?.message).toMatch(/Program\.Delete.*exposes: Program\.Read, Program\.ReadWrite/);
    expect(fault?.fix).toMatch(/expose Program\.Delete on program-service/);
  });

  it('names a client-credentials scope without /.default (AADSTS1002012), which the token service confirms', async () => {
    const report = await withEnv('bff', (env) => {
      env['DOWNSTREAM_APIS__PRICING__SCOPES'] = 'api://pricing-service/Pricing.Read.All';
    });

    expect(failed(report, 'default-scope', 'bff')).toEqual([
      expect.objectContaining({
        subject: 'PRICING',
        code: 'AADSTS1002012',
        fix: 'DOWNSTREAM_APIS__PRICING__SCOPES=api://pricing-service/.default',
      }),
    ]);
    expect(failed(report, 'client-credentials', 'bff')).toEqual([
      expect.objectContaining({ subject: 'PRICING', code: 'AADSTS1002012' }),
    ]);
  });

  it('names an audience list without the client id that v2 tokens carry', async () => {
    const report = await withEnv('program-service', (env) => {
      env['AUTH_AUDIENCES'] = 'api://program-service';
    });

    const [fault] = failed(report, 'audience', 'program-service');
    expect(fault?.message).toMatch(/aud is always its client id/);
    expect(fault?.fix).toBe(
      `AUTH_AUDIENCES=${chain.clientId('program-service')},api://program-service for program-service`,
    );
    expect(
      failed(report, 'obo-readiness')
        .map((f) => `${f.app} ${f.subject}`)
        .sort(),
    ).toEqual(['bff PROGRAM', 'documents-service PROGRAM']);
  });

  it("names an issuer that is not the tenant's and the one to accept", async () => {
    const report = await withEnv('program-service', (env) => {
      env['AUTH_ISSUERS'] = `https://sts.windows.net/${chain.tenantId}/`;
    });

    const [fault] = failed(report, 'issuer', 'program-service');
    expect(fault?.message).toMatch(/accepts only https:\/\/sts\.windows\.net\//);
    expect(fault?.fix).toBe(`AUTH_ISSUERS=${chain.identity.issuer} for program-service`);
  });

  it('names an unknown client in the caller allow-list, and the caller it lacks', async () => {
    const stranger = '00000000-0000-4000-8000-00000000dead';
    const report = await withEnv('pricing-service', (env) => {
      env['PRICING_ALLOWED_CALLERS'] = stranger;
    });

    const faults = failed(report, 'allow-list', 'pricing-service');
    expect(faults.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^bff \(client id [0-9a-f-]+\) calls pricing-service, but PRICING_ALLOWED_CALLERS does not list it/,
      ),
      expect.stringContaining(`lists ${stranger}, which is no application of the tenant`),
    ]);
    expect(faults[0]?.fix).toBe(`PRICING_ALLOWED_CALLERS=${chain.clientId('bff')} for pricing-service`);
  });

  it("names the TLS error of an app that does not trust the emulator's CA, and the CA to trust", async () => {
    const report = await withEnv('bff', (env) => {
      delete env['NODE_EXTRA_CA_CERTS'];
    });

    const [fault] = failed(report, 'trust', 'bff');
    expect(fault?.message).toMatch(
      /cannot verify the TLS certificate of localhost:\d+ \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT)\)/,
    );
    expect(fault?.fix).toMatch(
      new RegExp(
        `^start bff with NODE_EXTRA_CA_CERTS=${chain.caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `,
      ),
    );
    expect(report.findings.find((f) => f.check === 'client-credentials' && f.app === 'bff')?.status).toBe(
      'skip',
    );
    expect(failed(report, 'trust').map((f) => f.app)).toEqual(['bff']);
  });
});
