import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import {
  baseChildEnv,
  type Chain,
  type ChildApp,
  clientCredentialsToken,
  freePort,
  launchChildApp,
  repoRoot,
  type SignedIn,
  signIn,
  startChain,
} from '@chain/testing';

import { ApiClient, bearerParams } from './support/bff-api';
import { appNamed, scopeOf } from './support/test-tenant';

/*
 * libs/auth adopted alone (docs/auth.md, "Quick start"): `npm pack` of libs/auth, installed with its peers in
 * a fresh folder OUTSIDE the repository, compiled with the adopter's own TypeScript, and run as a Nest app
 * that protects a route and calls program-service on behalf of the user and pricing-service as itself,
 * against the emulator. The adopter's code is test/chain/adoption/main.ts, under 30 lines.
 */

const ROOT = repoRoot();
const AUTH_DIR = join(ROOT, 'libs/auth');
const FIXTURE = join(__dirname, 'adoption/main.ts');
const INSTALL_TIMEOUT_MS = 300_000;

function run(command: string, args: string[], cwd: string, timeout = INSTALL_TIMEOUT_MS): string {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, { cwd, encoding: 'utf8', timeout });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n` +
        `${result.stdout}\n${result.stderr}`.slice(-4000),
    );
  return result.stdout;
}

const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;

describe('@chain/auth adopted alone: the packed package in a Nest app outside the monorepo', () => {
  let chain: Chain;
  let work: string;
  let consumer: ChildApp | undefined;
  let url: string;
  let alice: SignedIn;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'adopt-chain-auth-'));
    chain = await startChain({ label: 'chain-adoption', apps: ['program-service', 'pricing-service'] });

    // The package, as a registry would serve it (`prepack` builds libs/auth/dist).
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], AUTH_DIR)
      .trim()
      .split('\n')
      .pop();
    const auth = readJson(join(AUTH_DIR, 'package.json'));
    const root = readJson(join(ROOT, 'package.json'));
    const version = (name: string) => root['dependencies']?.[name] ?? root['devDependencies']?.[name] ?? '*';
    const app = join(work, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'adopter',
        private: true,
        dependencies: {
          '@chain/auth': `file:../${tarball}`,
          ...auth['peerDependencies'],
          '@nestjs/platform-express': version('@nestjs/platform-express'),
        },
        devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
      }),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          skipLibCheck: true,
          outDir: 'dist',
        },
        include: ['src'],
      }),
    );
    copyFileSync(FIXTURE, join(app, 'src/main.ts'));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', '.'], app, 120_000);

    const bff = appNamed(chain.registrations, 'bff');
    const port = await freePort();
    const launched = await launchChildApp({
      name: 'adopter',
      command: process.execPath,
      args: ['dist/main.js'],
      cwd: app,
      env: {
        ...baseChildEnv(),
        NODE_EXTRA_CA_CERTS: chain.caFile,
        PORT: String(port),
        ISSUER: chain.identity.issuer,
        JWKS_URI: chain.identity.jwksUri,
        AUDIENCE: bff.clientId,
        AUTHORITY: chain.identity.authority,
        AUTHORITY_HOST: new URL(chain.identity.authority).host,
        CLIENT_ID: bff.clientId,
        SECRET: bff.secrets[0]?.value ?? '',
        PROGRAM_URL: chain.url('program-service'),
        PROGRAM_SCOPE: scopeOf(appNamed(chain.registrations, 'program-service'), 'Program.ReadWrite'),
        PRICING_URL: chain.url('pricing-service'),
        PRICING_SCOPE: scopeOf(appNamed(chain.registrations, 'pricing-service'), '.default'),
      },
      logFile: join(chain.logDir, 'adopter.log'),
      listening: (line) =>
        line.includes('Nest application successfully started') ? `http://127.0.0.1:${port}` : undefined,
    });
    consumer = launched.app;
    url = launched.url;
    alice = await signIn(chain, 'alice');
  }, INSTALL_TIMEOUT_MS + 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await chain?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('installs the package from its tarball, outside the repository, with nothing of the monorepo', () => {
    const installed = realpathSync(join(work, 'app/node_modules/@chain/auth'));
    expect(relative(ROOT, installed).startsWith('..')).toBe(true);
    const pkg = readJson(join(installed, 'package.json'));
    expect(pkg['exports']?.['.']).toBeDefined();
    // Every bare module the built code requires is a declared dependency or peer (node: built-ins aside).
    const declared = new Set([
      ...Object.keys(pkg['dependencies'] ?? {}),
      ...Object.keys(pkg['peerDependencies'] ?? {}),
    ]);
    const js = run('grep', ['-rhoE', 'require\\("[^".][^"]*"\\)', join(installed, 'dist')], work);
    const required = [...new Set([...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string))];
    expect(required.filter((name) => !name.startsWith('node:') && !declared.has(name))).toEqual([]);
  });

  it("is the adopter's whole code in under 30 lines", () => {
    const lines = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('//'));
    expect(lines.length).toBeLessThan(30);
  });

  it('refuses a request without a token with 401 and a Bearer challenge, as problem+json', async () => {
    const res = await new ApiClient(url, undefined).get('/hello');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it("refuses a token for another API (pricing-service's audience) with 401 invalid_token", async () => {
    const pricing = scopeOf(appNamed(chain.registrations, 'pricing-service'), '.default');
    const other = await clientCredentialsToken(chain, 'bff', pricing);
    const res = await new ApiClient(url, other).get('/hello');
    expect(res.status).toBe(401);
    expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('invalid_token');
  });

  it("answers alice with her brokerage's programmes (on behalf of her) and the rates (as the app)", async () => {
    const res = await new ApiClient(url, alice).get<{
      user: string;
      programmes: { programmes: Array<{ brokerage: string }> };
      rates: { rates: unknown[] };
    }>('/hello');
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(alice.claims['oid']);
    expect(res.body.programmes.programmes.length).toBeGreaterThan(0);
    expect(new Set(res.body.programmes.programmes.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));
    expect(res.body.rates.rates.length).toBeGreaterThan(0);
  });
});
