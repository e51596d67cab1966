import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  COMPOSE_APPS,
  type ComposeApp,
  EMULATOR_DATA_DIR,
  outdatedComposeEnvFiles,
} from '../../scripts/generate-compose-env';
import { type AppConfig, loadAppConfig } from './app-configs';
import {
  appOf,
  type ComposeService,
  dependencies,
  hasHealthcheck,
  loadComposeFile,
  publishedPorts,
  repoRoot,
  serviceEnvironment,
} from './compose-file';

/**
 * Variables a container may carry that its app's config schema does not declare, each read elsewhere.
 * Anything else undeclared is a typo or a leftover the app ignores, so the compose file would drift unseen.
 */
const READ_OUTSIDE_THE_SCHEMA: ReadonlyArray<{
  readonly name: RegExp;
  readonly apps?: readonly ComposeApp[];
}> = [
  // Read by Node itself at startup: the emulator's CA, trusted for JWKS and token-endpoint calls.
  { name: /^NODE_EXTRA_CA_CERTS$/ },
  // localAppEnv() gives every process LOG_LEVEL; the emulator does not read it (it logs at one level).
  { name: /^LOG_LEVEL$/, apps: ['identity-emulator'] },
];

const compose = loadComposeFile();
const services = Object.entries(compose.services);
const appServices = services.flatMap(([name, service]) => {
  const app = appOf(service);
  return app === undefined ? [] : [{ name, app: app as ComposeApp, service }];
});
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const envOf = (name: string): Record<string, string> => serviceEnvironment(service(name));

// Loaded when a test asks, so that a missing config file fails that app's tests (with what is expected
// where) and nothing else.
const configs = new Map<ComposeApp, Promise<AppConfig>>();
function configOf(app: ComposeApp): Promise<AppConfig> {
  const loaded = configs.get(app) ?? loadAppConfig(app);
  configs.set(app, loaded);
  return loaded;
}

describe('docker-compose.yml', () => {
  it('runs every app of the chain, and the BFF as two replicas', () => {
    expect(new Set(appServices.map((s) => s.app))).toEqual(new Set(COMPOSE_APPS));
    expect(appServices.filter((s) => s.app === 'bff').map((s) => s.name)).toEqual(['bff-1', 'bff-2']);
  });

  describe.each(appServices.map((s) => [s.name, s.app] as const))('service %s (%s)', (name, app) => {
    it('has an environment that passes the config validation of the app', async () => {
      const config = await configOf(app);
      expect(() => config.parse(envOf(name))).not.toThrow();
    });

    it('sets only variables that the app reads', async () => {
      const { declared } = await configOf(app);
      const undeclared = Object.keys(envOf(name)).filter(
        (key) =>
          !declared.has(key) &&
          !READ_OUTSIDE_THE_SCHEMA.some((r) => r.name.test(key) && (r.apps?.includes(app) ?? true)),
      );
      expect(undeclared).toEqual([]);
    });

    it("is checked by a validation that can fail: the app's parser rejects PORT=not-a-port", async () => {
      const config = await configOf(app);
      expect(() => config.parse({ ...envOf(name), PORT: 'not-a-port' })).toThrow(/PORT/);
    });
  });

  it('fails, naming the file and exports it expects, when the config of an app does not exist', async () => {
    const missing = {
      file: 'apps/bff/src/config/missing.config.ts',
      parser: 'parseMissingEnv',
      schema: 'missingEnvSchema',
    };
    await expect(loadAppConfig('bff', missing)).rejects.toThrow(
      'apps/bff/src/config/missing.config.ts does not exist, so the bff environment of docker-compose.yml cannot be validated (CONTRACTS.md "App env": apps/bff/src/config/missing.config.ts exporting missingEnvSchema and parseMissingEnv(env))',
    );
  });

  it('takes each app environment from the env file of the app, with nothing inline', () => {
    for (const { name, app, service: s } of appServices)
      expect({ name, env_file: s.env_file, environment: s.environment }).toEqual({
        name,
        env_file: `docker/env/${app}.env`,
        environment: undefined,
      });
  });

  it('has env files that match what scripts/generate-compose-env.ts derives from the registrations', () => {
    expect(outdatedComposeEnvFiles(repoRoot)).toEqual([]);
  });

  it('has a generator whose --check passes on the committed env files', () => {
    const result = spawnSync(
      join(repoRoot, 'node_modules/.bin/tsx'),
      ['scripts/generate-compose-env.ts', '--check'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('has a generator check that reports an edited env file and a file it does not write', () => {
    const copy = mkdtempSync(join(tmpdir(), 'compose-env-'));
    try {
      cpSync(join(repoRoot, 'docker/env'), join(copy, 'docker/env'), { recursive: true });
      writeFileSync(join(copy, 'docker/env/bff.env'), 'AUTH_CLIENT_ID=edited-by-hand\n', { flag: 'a' });
      writeFileSync(join(copy, 'docker/env/extra.env'), 'HOST=0.0.0.0\n');
      expect(outdatedComposeEnvFiles(copy)).toEqual([
        'docker/env/bff.env',
        'docker/env/extra.env (not generated)',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = services.flatMap(([name, s]) =>
      publishedPorts(s).map((p) => ({ name, spec: p.spec, hostIp: p.hostIp })),
    );
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toEqual({ ...port, hostIp: '127.0.0.1' });
  });

  it('gives every service a healthcheck', () => {
    for (const [name, s] of services)
      expect({ name, healthcheck: hasHealthcheck(s) }).toEqual({ name, healthcheck: true });
  });

  it("checks each app's health with docker/healthcheck.js against its own /health/ready on the port it listens on", () => {
    for (const { name, service: s } of appServices) {
      const test = s.healthcheck?.test;
      const [cmd, node, script, url] = Array.isArray(test) ? test.map(String) : [];
      expect({ name, command: [cmd, node, script] }).toEqual({
        name,
        command: ['CMD', 'node', 'docker/healthcheck.js'],
      });
      const target = new URL(url ?? 'invalid:');
      expect({ name, path: target.pathname, port: target.port }).toEqual({
        name,
        path: '/health/ready',
        port: envOf(name)['PORT'],
      });
    }
  });

  it('makes every depends_on name an existing service and wait until it is healthy', () => {
    const edges = services.flatMap(([name, s]) => dependencies(s).map((d) => ({ from: name, ...d })));
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      expect({ ...edge, exists: edge.name in compose.services }).toEqual({
        ...edge,
        exists: true,
        condition: 'service_healthy',
      });
    }
  });

  it('has every container that trusts the emulator CA mount its data volume read-only and wait for the emulator', () => {
    const trusting = appServices.filter((s) => envOf(s.name)['NODE_EXTRA_CA_CERTS'] !== undefined);
    expect(trusting.map((s) => s.app).sort()).toEqual([
      'bff',
      'bff',
      'documents-service',
      'pricing-service',
      'program-service',
    ]);
    for (const { name, service: s } of trusting) {
      expect({ name, ca: envOf(name)['NODE_EXTRA_CA_CERTS'] }).toEqual({
        name,
        ca: `${EMULATOR_DATA_DIR}/ca.pem`,
      });
      expect({ name, volumes: s.volumes }).toEqual({
        name,
        volumes: expect.arrayContaining([`emulator-data:${EMULATOR_DATA_DIR}:ro`]),
      });
      expect({ name, dependsOn: dependencies(s) }).toEqual({
        name,
        dependsOn: expect.arrayContaining([{ name: 'identity-emulator', condition: 'service_healthy' }]),
      });
    }
    expect(service('identity-emulator').volumes).toEqual([`emulator-data:${EMULATOR_DATA_DIR}`]);
    expect(envOf('identity-emulator')['EMULATOR_DATA_DIR']).toBe(EMULATOR_DATA_DIR);
  });

  it('keeps the public issuer in tokens while the containers reach the emulator by a hostname its certificate names', () => {
    const emulator = envOf('identity-emulator');
    const publicUrl = emulator['EMULATOR_PUBLIC_URL'];
    const hostnames = (emulator['EMULATOR_HOSTNAMES'] ?? '').split(',');
    expect(publicUrl).toBe('https://localhost:8443');
    expect(hostnames).toContain('identity-emulator');
    for (const { name, app } of appServices.filter((s) =>
      ['bff', 'program-service', 'pricing-service', 'documents-service'].includes(s.app),
    )) {
      const env = envOf(name);
      const internal = [
        env['AUTH_JWKS_URI'],
        ...(app === 'bff' || app === 'documents-service' ? [env['AUTH_AUTHORITY']] : []),
      ];
      expect({ name, issuers: env['AUTH_ISSUERS']?.split(',').map((i) => new URL(i).origin) }).toEqual({
        name,
        issuers: [publicUrl],
      });
      for (const url of internal)
        expect({ name, host: new URL(url ?? 'invalid:').hostname }).toEqual({
          name,
          host: 'identity-emulator',
        });
      // MSAL accepts the discovery document's (public) issuer only when its host is a known authority.
      if (app === 'bff' || app === 'documents-service') {
        expect({ name, known: env['AUTH_KNOWN_AUTHORITIES']?.split(',').sort() }).toEqual({
          name,
          known: ['identity-emulator:8443', new URL(publicUrl ?? 'invalid:').host].sort(),
        });
      }
    }
    expect(envOf('web')['EMULATOR_PUBLIC_URL']).toBe(publicUrl);
  });

  it('shares one Redis token cache and one cache key between the BFF replicas', () => {
    const [one, two] = [envOf('bff-1'), envOf('bff-2')];
    expect(two).toEqual(one);
    expect(new URL(one['TOKEN_CACHE_REDIS_URL'] ?? 'invalid:').hostname).toBe('redis');
    expect(one['TOKEN_CACHE_ENCRYPTION_KEY']).toBeDefined();
    expect(hasHealthcheck(service('redis'))).toBe(true);
  });

  it('points program-service at the PostgreSQL service with its credentials', () => {
    const url = new URL(envOf('program-service')['DATABASE_URL'] ?? 'invalid:');
    const postgres = serviceEnvironment(service('postgres'));
    expect({
      host: url.hostname,
      user: url.username,
      password: url.password,
      db: url.pathname.slice(1),
    }).toEqual({
      host: 'postgres',
      user: postgres['POSTGRES_USER'],
      password: postgres['POSTGRES_PASSWORD'],
      db: postgres['POSTGRES_DB'],
    });
  });

  const cli = composeCli();
  if (cli === undefined)
    process.stdout.write(
      'compose: `docker-compose config -q` skipped — neither docker-compose nor `docker compose` is installed\n',
    );
  (cli === undefined ? it.skip : it)('passes `docker-compose config -q`, which refuses a broken file', () => {
    const config = (file: string, cwd: string) => {
      const [command, ...args] = cli ?? [];
      const result = spawnSync(command as string, [...args, '-f', file, 'config', '-q'], {
        cwd,
        encoding: 'utf8',
      });
      return { status: result.status, stderr: result.stderr };
    };
    expect(config('docker-compose.yml', repoRoot)).toEqual({ status: 0, stderr: '' });

    const broken = mkdtempSync(join(tmpdir(), 'compose-broken-'));
    try {
      writeFileSync(
        join(broken, 'docker-compose.yml'),
        'services:\n  app:\n    image: busybox\n    depends_on:\n      missing: { condition: service_healthy }\n',
      );
      expect(config('docker-compose.yml', broken).status).not.toBe(0);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

/** `docker-compose` (v1, Debian's package) or the `docker compose` plugin (v2), whichever answers. */
function composeCli(): string[] | undefined {
  for (const cli of [['docker-compose'], ['docker', 'compose']]) {
    const [command, ...args] = cli;
    if (spawnSync(command as string, [...args, 'version'], { stdio: 'ignore' }).status === 0) return cli;
  }
  return undefined;
}
