// `npm run new:service -- <name> [--scope <Scope>] [--port <n>] [--description <text>] [--no-compose]`
//
// Adds a resource API to the chain in one command (docs/adding-a-downstream.md): the service under
// apps/<name> (main, module, config schema, a user-only `items` resource, its e2e tests with a route
// inventory), its nest-cli.json project, its registration in every identity mode's registrations file with
// the BFF granted its delegated scope, and its chain.yaml entry with `relay: true`; then it refreshes the
// derived compose files (scripts/generate-compose-env.ts). Nothing is written when a check fails.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import {
  downstreamName,
  IDENTITY_MODES,
  loadChainManifest,
  parseRegistrations,
  registrationsFileOf,
} from '@chain/local-tenant';

import { addManifestEntry, nextPort } from './manifest-edit';
import { NewServiceError, type ServiceNames, serviceNames } from './names';
import { addNestProject } from './nest-cli-edit';
import { addServiceRegistration } from './registrations-edit';
import { type GeneratedFile, renderTemplates } from './render';

/** Ports the local chain's other processes listen on by default (npm start, docker-compose). */
export const TAKEN_PORTS: Readonly<Record<number, string>> = {
  8443: 'the identity emulator (EMULATOR_PORT)',
  8080: 'the SPA (WEB_PORT)',
  10000: 'Azurite (AZURITE_PORT)',
  5432: 'PostgreSQL (docker-compose)',
  6379: 'Redis (docker-compose)',
};

/** What the command line asks for. */
export interface NewServiceOptions {
  readonly name: string;
  readonly scope?: string;
  readonly port?: number;
  readonly description?: string;
}

/** Every file the generator writes, and the names it chose. */
export interface NewServicePlan {
  readonly names: ServiceNames;
  readonly port: number;
  readonly description: string;
  /** New files (the service) and rewritten ones (chain.yaml, nest-cli.json, registrations), root-relative. */
  readonly files: readonly GeneratedFile[];
}

const TEMPLATES = join(__dirname, 'templates', 'app');

/**
 * Checks the request against the repository at `root` and computes every file to write, without writing:
 * a bad name, an existing app or registration, a colliding downstream name, a taken port or a bad option
 * throws {@link NewServiceError}.
 */
export function planNewService(root: string, options: NewServiceOptions): NewServicePlan {
  const names = serviceNames(options.name, options.scope);
  const manifestFile = join(root, 'chain.yaml');
  const manifest = loadChainManifest(manifestFile);
  const clash = manifest.apis.find((a) => a.app === names.name || downstreamName(a.app) === names.downstream);
  if (clash !== undefined)
    throw new NewServiceError(
      clash.app === names.name
        ? `${names.name} is in chain.yaml already`
        : `${names.name}'s downstream name ${names.downstream} is ${clash.app}'s already (the BFF's DOWNSTREAM_APIS__${names.downstream}__*, /api/relay/${names.route}/): choose another name`,
    );
  for (const taken of [`apps/${names.name}`, `libs/${names.name}`])
    if (existsSync(join(root, taken))) throw new NewServiceError(`${taken} exists already`);
  const port = options.port ?? nextPort(manifest);
  checkPort(port, manifest.apis);
  const description = options.description ?? 'items of each user (reached by OBO, relayed by the BFF)';
  if (!/^[^\n\r]{1,120}$/.test(description.trim()))
    throw new NewServiceError('--description must be one line of 1 to 120 characters');

  const files: GeneratedFile[] = renderTemplates(
    TEMPLATES,
    `apps/${names.name}`,
    templateValues(names, port, description.trim()),
  );
  files.push({
    path: 'chain.yaml',
    text: addManifestEntry(read(root, 'chain.yaml'), {
      app: names.name,
      port,
      description: description.trim(),
    }),
  });
  files.push({ path: 'nest-cli.json', text: addNestProject(read(root, 'nest-cli.json'), names.name) });
  const apis = [...manifest.apis.map((a) => a.app), names.name];
  for (const mode of IDENTITY_MODES) {
    const path = relative(root, registrationsFileOf(mode, join(root, 'libs', 'local-tenant')));
    if (!existsSync(join(root, path))) continue;
    const text = read(root, path);
    if (
      parseRegistrations(text, path).applications.some((a) => a.name === names.name || a.role === names.name)
    )
      throw new NewServiceError(`${path} has an application named ${names.name} already`);
    files.push({ path, text: addServiceRegistration(text, path, { names, clientId: randomUUID(), apis }) });
  }
  return { names, port, description: description.trim(), files };
}

function checkPort(port: number, apis: readonly { app: string; port: number }[]): void {
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new NewServiceError(`--port ${port} is not a port from 1024 to 65535`);
  const api = apis.find((a) => a.port === port);
  if (api !== undefined) throw new NewServiceError(`port ${port} is ${api.app}'s in chain.yaml`);
  const other = TAKEN_PORTS[port];
  if (other !== undefined) throw new NewServiceError(`port ${port} is ${other}'s`);
}

/** The `{{key}}` values of the templates. */
function templateValues(names: ServiceNames, port: number, description: string): Record<string, string> {
  return {
    name: names.name,
    camel: names.camel,
    Pascal: names.Pascal,
    CONST: names.CONST,
    route: names.route,
    scope: names.scope,
    port: String(port),
    portVariable: names.portVariable,
    descriptionQuoted: description.replace(/\\/g, '\\\\').replace(/'/g, "\\'"),
    descriptionComment: description.replace(/\*\//g, '* /').replace(/\.$/, ''),
  };
}

/** Writes the plan's files under `root`. */
export function writePlan(root: string, plan: NewServicePlan): void {
  for (const file of plan.files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.text);
  }
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** Runs a tool of node_modules in `root`; returns whether it succeeded. */
function run(root: string, args: readonly string[]): boolean {
  const result = spawnSync('npx', ['--no-install', ...args], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

interface CommandLine extends NewServiceOptions {
  readonly compose: boolean;
}

/** Parses `<name> [--scope S] [--port N] [--description D] [--no-compose]`. */
export function parseArgs(argv: readonly string[]): CommandLine {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let compose = true;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--no-compose') compose = false;
    else if (arg.startsWith('--')) {
      const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (!['scope', 'port', 'description'].includes(flag))
        throw new NewServiceError(
          `unknown option --${flag} (use --scope, --port, --description, --no-compose)`,
        );
      const value = inline ?? argv[(i += 1)];
      if (value === undefined) throw new NewServiceError(`--${flag} needs a value`);
      values[flag] = value;
    } else positional.push(arg);
  }
  if (positional.length !== 1)
    throw new NewServiceError('give one service name, e.g. npm run new:service -- notes-service');
  const port = values['port'];
  if (port !== undefined && !/^\d+$/.test(port)) throw new NewServiceError(`--port ${port} is not a number`);
  return {
    name: positional[0]!,
    ...(values['scope'] === undefined ? {} : { scope: values['scope'] }),
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(values['description'] === undefined ? {} : { description: values['description'] }),
    compose,
  };
}

function main(): number {
  const root = process.cwd();
  if (!existsSync(join(root, 'chain.yaml')) || !existsSync(join(root, 'nest-cli.json'))) {
    process.stderr.write('new:service: run it from the root of the repository (where chain.yaml is)\n');
    return 1;
  }
  let args: CommandLine;
  let plan: NewServicePlan;
  try {
    args = parseArgs(process.argv.slice(2));
    plan = planNewService(root, args);
  } catch (error) {
    process.stderr.write(`new:service: ${(error as Error).message}\nNothing was written.\n`);
    return 1;
  }
  writePlan(root, plan);
  const { names } = plan;
  const say = (line = '') => process.stdout.write(`${line}\n`);
  say(
    `new:service: ${names.name} on port ${plan.port} (scope ${names.scope}, relayed as /api/relay/${names.route}/)`,
  );
  for (const file of plan.files) say(`  wrote ${file.path}`);

  const code = plan.files.filter((f) => f.path.endsWith('.ts')).map((f) => f.path);
  // The templates are laid out for any name; the repository's linters settle import order and line breaks.
  if (
    !run(root, ['eslint', '--fix', ...code]) ||
    !run(root, ['prettier', '--write', '--log-level', 'warn', ...code])
  ) {
    process.stderr.write(
      `new:service: eslint/prettier failed on the generated files (above); fix them by hand\n`,
    );
    return 1;
  }
  if (args.compose) {
    say('  refreshing the compose files: npx tsx scripts/generate-compose-env.ts');
    if (!run(root, ['tsx', 'scripts/generate-compose-env.ts'])) {
      process.stderr.write(
        'new:service: scripts/generate-compose-env.ts failed (above). The service, its registrations and its ' +
          'chain.yaml entry are written; fix what it names, then run npx tsx scripts/generate-compose-env.ts again.\n',
      );
      return 1;
    }
  }
  say();
  say('Next:');
  say(`  npx jest -c jest.e2e.config.js apps/${names.name}      its tests`);
  say(
    `  npm start                                         the chain, ${names.name} on ${plan.port} (${names.portVariable} overrides it)`,
  );
  say(`  TOKEN=$(node scripts/get-token.mjs alice)`);
  say(`  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/api/relay/${names.route}/items`);
  say(
    `  curl -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"title":"first"}' http://localhost:3000/api/relay/${names.route}/items`,
  );
  say(`Then write ${names.name}'s own code under apps/${names.name}/src (docs/adding-a-downstream.md).`);
  return 0;
}

if (require.main === module) process.exitCode = main();
