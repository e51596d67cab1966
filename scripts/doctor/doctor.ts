// `npm run doctor`: checks a chain's configuration against its identity provider and says, in plain
// words, what to fix (docs/doctor.md).
//
//   npm run doctor                                     the local chain (`npm start` running), entra mode
//   npm run doctor -- --identity b2c                   another identity mode
//   npm run doctor -- --env-file bff=bff.env …         an app as deployed (a real tenant: one per app)
//   npm run doctor -- --json                           the report as JSON
//   npm run doctor -- explain AADSTS65001              cause and fix of an Entra / B2C error code
//
// Exit status: 0 nothing failed, 1 a check failed, 2 bad usage or unreadable configuration.
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { explain, knownCodes } from './aadsts.catalogue';
import { doctorEnvDefaults } from './doctor.config';
import { loadChain } from './load-chain';
import { renderExplanation, renderJson, renderText } from './report';
import { runDoctor } from './run-doctor';

const USAGE = `usage: npm run doctor [-- [--identity entra|external-id|b2c] [--registrations <file>] [--emulator <url>]
                         [--ca <file>] [--env-file <app>=<file> …] [--json]]
       npm run doctor -- explain <code>      e.g. AADSTS65001, 50013, AADB2C90086
`;

const root = join(__dirname, '..', '..');

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      identity: { type: 'string' },
      registrations: { type: 'string' },
      emulator: { type: 'string' },
      ca: { type: 'string' },
      'env-file': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return print(USAGE, 0);
  if (positionals[0] === 'explain') return explainCommand(positionals[1]);
  if (positionals.length > 0) return print(USAGE, 2, true);
  const defaults = doctorEnvDefaults(root);
  const { chain, localCaFile } = loadChain({
    root,
    identityMode: values.identity ?? defaults.identityMode,
    registrationsPath: values.registrations ?? defaults.registrationsPath,
    emulatorUrl: values.emulator ?? defaults.emulatorUrl,
    caFile: values.ca ?? defaults.caFile,
    envFiles: envFilesOf(values['env-file'] ?? []),
  });
  const report = await runDoctor(chain, localCaFile);
  process.stdout.write(values.json ? renderJson(report) : renderText(report));
  return report.ok ? 0 : 1;
}

function envFilesOf(entries: readonly string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0)
      throw new Error(`--env-file ${entry}: write <app>=<file>, e.g. --env-file bff=deploy/bff.env`);
    files[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return files;
}

function explainCommand(code: string | undefined): number {
  const explanation = code === undefined ? undefined : explain(code);
  if (explanation === undefined)
    return print(
      `doctor explain: ${code === undefined ? 'give a code' : `no explanation for ${code}`}; known: ${knownCodes().join(', ')}\n`,
      2,
      true,
    );
  return print(renderExplanation(explanation), 0);
}

function print(text: string, status: number, error = false): number {
  (error ? process.stderr : process.stdout).write(text);
  return status;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
