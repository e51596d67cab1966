import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Chain, repoRoot, startChain } from '@chain/testing';

import { loadChain } from '../../scripts/doctor/load-chain';
import { type DoctorReport, runDoctor } from '../../scripts/doctor/run-doctor';
import { MODE } from './support/identity-mode';

const run = promisify(execFile);

/** What a report says in one line per finding that is not a pass (for readable failures). */
function notPassed(report: DoctorReport): string[] {
  return report.findings
    .filter((f) => f.status !== 'pass')
    .map((f) => `${f.status} ${f.check} ${f.app ?? ''} ${f.subject ?? ''}: ${f.message}`);
}

describe(`npm run doctor on the good local chain (${MODE})`, () => {
  let chain: Chain;

  beforeAll(async () => {
    chain = await startChain({ apps: [], label: `chain-doctor-${MODE}` });
  }, 60_000);

  afterAll(() => chain?.stop());

  it('passes every check, with a real client-credentials token per app-token downstream and every user hop ready', async () => {
    const { chain: config, localCaFile } = loadChain({
      root: repoRoot(),
      identityMode: MODE,
      registrationsPath: chain.registrationsPath,
      emulatorUrl: chain.emulatorUrl,
      caFile: chain.caFile,
    });
    const report = await runDoctor(config, localCaFile);

    expect(notPassed(report)).toEqual([]);
    const checks = new Set(report.findings.map((f) => f.check));
    expect([...checks].sort()).toEqual(
      [
        'allow-list',
        'app-role',
        'audience',
        'client-credentials',
        'clock',
        'consent',
        'default-scope',
        'discovery',
        'issuer',
        'keys',
        'obo-readiness',
        'scope',
        'trust',
      ].sort(),
    );
    const tokens = report.findings.filter((f) => f.check === 'client-credentials');
    expect(tokens.map((f) => `${f.app} ${f.subject}`)).toEqual(
      expect.arrayContaining([
        'bff PRICING',
        ...(MODE === 'b2c' ? ['bff PROGRAM', 'bff DOCUMENTS', 'documents-service PROGRAM'] : []),
      ]),
    );
    expect(
      report.findings
        .filter((f) => f.check === 'obo-readiness')
        .map((f) => `${f.app} ${f.subject}`)
        .sort(),
    ).toEqual(['bff DOCUMENTS', 'bff PROGRAM', 'documents-service PROGRAM']);
  });

  it('answers the same from the command line, as JSON, with exit status 0', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(repoRoot(), 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(repoRoot(), 'scripts', 'doctor', 'doctor.ts'),
        '--json',
        '--identity',
        MODE,
        '--registrations',
        chain.registrationsPath,
        '--emulator',
        chain.emulatorUrl,
        '--ca',
        chain.caFile,
      ],
      { cwd: repoRoot(), timeout: 60_000 },
    );
    const report = JSON.parse(stdout) as DoctorReport;

    expect(report.ok).toBe(true);
    expect(report.mode).toBe(MODE);
    expect(report.summary.fail).toBe(0);
  }, 60_000);
});
