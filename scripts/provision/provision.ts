// `npm run provision`: creates the registrations of the declarative registrations file in a tenant
// through Microsoft Graph v1.0, idempotently, and writes the files the apps need for that tenant
// (docs/provisioning.md).
//
//   npm run provision                                      a real tenant: DefaultAzureCredential (az login,
//                                                          AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, managed identity…)
//   npm run provision -- --dry-run                         print the Graph writes, make none
//   npm run provision -- --emulator https://localhost:8443 the local emulator (PROVISION_CLIENT_ID/SECRET)
//
// Exit status: 0 done, 1 Graph or the credential refused, 2 bad usage or an unreadable file.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { loadRegistrations, RegistrationsError, TenantKind } from '@chain/local-tenant';

import { GraphClient, type GraphRequestRecord } from './graph-client';
import { provisionTenant } from './provision-tenant';
import { previousRun, provisionedRegistrations, writeProvisionedFiles } from './provisioned-files';

const USAGE = `usage: npm run provision -- [--registrations <file>] [--tenant-id <id>] [--out <dir>] [--dry-run] [--json]
                              [--emulator <url> | --graph-url <url> --authority-host <url>]
  --emulator <url>   the local emulator: Graph and the token endpoint at <url>, client credentials of the
                     provisioning app from PROVISION_CLIENT_ID / PROVISION_CLIENT_SECRET (trust its CA with
                     NODE_EXTRA_CA_CERTS=.local/emulator/ca.pem)
  otherwise          https://graph.microsoft.com with DefaultAzureCredential (az login, AZURE_* variables, …)
`;

const root = resolve(__dirname, '..', '..');

interface Options {
  readonly registrationsPath: string;
  readonly outDir: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly tenantId?: string;
  readonly graphUrl: string;
  readonly authorityHost: string;
  readonly emulator: boolean;
}

function parse(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      registrations: { type: 'string' },
      'tenant-id': { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      emulator: { type: 'string' },
      'graph-url': { type: 'string' },
      'authority-host': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length > 0) return 'help';
  const emulator = values.emulator;
  return {
    registrationsPath: resolve(values.registrations ?? resolve(root, 'libs/local-tenant/registrations.yaml')),
    outDir: resolve(values.out ?? resolve(root, '.local/provisioned')),
    dryRun: values['dry-run'],
    json: values.json,
    ...(values['tenant-id'] === undefined ? {} : { tenantId: values['tenant-id'] }),
    graphUrl: emulator ?? values['graph-url'] ?? 'https://graph.microsoft.com',
    authorityHost: emulator ?? values['authority-host'] ?? 'https://login.microsoftonline.com',
    emulator: emulator !== undefined || values['authority-host'] !== undefined,
  };
}

/** The emulator's provisioning app by client secret; a real tenant by DefaultAzureCredential. */
function credentialFor(
  options: Options,
  tenantId: string,
): { credential: TokenCredential; identity: string } {
  if (!options.emulator)
    return {
      credential: new DefaultAzureCredential({ tenantId }),
      identity: `the signed-in identity (DefaultAzureCredential${process.env['AZURE_CLIENT_ID'] === undefined ? '' : `, client ${process.env['AZURE_CLIENT_ID']}`})`,
    };
  const clientId = process.env['PROVISION_CLIENT_ID'] ?? process.env['AZURE_CLIENT_ID'];
  const secret = process.env['PROVISION_CLIENT_SECRET'] ?? process.env['AZURE_CLIENT_SECRET'];
  if (clientId === undefined || secret === undefined)
    throw new UsageError(
      'set PROVISION_CLIENT_ID and PROVISION_CLIENT_SECRET to the provisioning app of the emulator (libs/local-tenant/registrations.provisioning.yaml)',
    );
  return {
    credential: new ClientSecretCredential(tenantId, clientId, secret, {
      authorityHost: options.authorityHost,
      // The emulator is its own authority: no instance discovery at login.microsoftonline.com.
      disableInstanceDiscovery: true,
    }),
    identity: `the provisioning app ${clientId}`,
  };
}

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parse(argv);
  if (options === 'help') return print(USAGE, 0);
  const registrations = loadRegistrations(options.registrationsPath);
  const tenant = registrations.tenants[0];
  if (tenant === undefined || tenant.kind !== TenantKind.Entra)
    throw new UsageError(
      `${options.registrationsPath}: provisioning supports an entra tenant (workforce); this file's tenant is ${tenant?.kind}`,
    );
  const tenantId = options.tenantId ?? process.env['AZURE_TENANT_ID'] ?? tenant.id;
  const { credential, identity } = credentialFor(options, tenantId);
  const graph = new GraphClient({
    graphUrl: options.graphUrl,
    credential,
    dryRun: options.dryRun,
    identity,
    onRequest: options.json ? undefined : printRequest,
  });
  const result = await provisionTenant(graph, {
    registrations,
    tenantId,
    previous: previousRun(options.outDir, tenantId),
  });
  const written = options.dryRun
    ? []
    : writeProvisionedFiles(
        options.outDir,
        provisionedRegistrations(registrations, result),
        options.authorityHost,
      );
  const report = {
    tenantId,
    dryRun: options.dryRun,
    writes: graph.writeLog.length,
    changes: result.changes,
    warnings: result.warnings,
    apps: result.apps,
    files: written,
  };
  if (options.json) return print(`${JSON.stringify({ ...report, requests: graph.writeLog }, null, 2)}\n`, 0);
  const lines = [
    '',
    options.dryRun
      ? `dry run: ${report.writes} Graph write(s) would be made; none was.`
      : report.writes === 0
        ? `tenant ${tenantId} already holds every registration: no change.`
        : `tenant ${tenantId}: ${report.writes} Graph write(s).`,
    ...result.changes.map((c) => `  ${options.dryRun ? 'would: ' : ''}${c}`),
    ...result.warnings.map((w) => `  warning: ${w}`),
    ...(written.length > 0
      ? ['wrote (holds client secrets; keep out of version control):', ...written.map((f) => `  ${f}`)]
      : []),
  ];
  return print(`${lines.join('\n')}\n`, 0);
}

function printRequest(request: GraphRequestRecord, dryRun: boolean): void {
  const body = request.body === undefined ? '' : `\n    ${JSON.stringify(request.body)}`;
  process.stdout.write(`${dryRun ? '[dry run] ' : ''}${request.method} ${request.url}${body}\n`);
}

function print(text: string, status: number, error = false): number {
  (error ? process.stderr : process.stdout).write(text);
  return status;
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((status) => {
      process.exitCode = status;
    })
    .catch((error: unknown) => {
      const usage =
        error instanceof UsageError || error instanceof RegistrationsError || error instanceof TypeError;
      process.stderr.write(`provision: ${(error as Error).message}\n`);
      process.exitCode = usage && !(error instanceof TypeError && /fetch failed/.test(error.message)) ? 2 : 1;
    });
}
