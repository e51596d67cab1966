import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  identityEndpoints,
  type IdentityMode,
  loadChainManifest,
  loadRegistrationsFor,
} from '@chain/local-tenant';

import {
  COMPOSE_REGION,
  type ComposeApp,
  composeApps,
  composeModes,
  EMULATOR_DATA_DIR,
  outdatedComposeEnvFiles,
} from '../../scripts/generate-compose-env';
import { type AppConfig, loadAppConfig } from './app-configs';
import {
  appOf,
  type ComposeFile,
  type ComposeService,
  dependencies,
  hasHealthcheck,
  interpolate,
  loadComposeFile,
  parseEnvFile,
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
  // The BFF takes any downstream its environment declares (one per API of chain.yaml it calls), so its
  // schema cannot name them all; its parser validates each one (the test above parses this environment).
  {
    name: /^DOWNSTREAM_APIS__[A-Z][A-Z0-9_]*__(BASE_URL|FLOW|SCOPES|DELEGATED_SCOPES|TIMEOUT_MS|RELAY)$/,
    apps: ['bff'],
  },
];

const compose = loadComposeFile();
const services = Object.entries(compose.services);
const appServicesOf = (file: ComposeFile) =>
  Object.entries(file.services).flatMap(([name, service]) => {
    const app = appOf(service);
    return app === undefined ? [] : [{ name, app: app, service }];
  });
const appServices = appServicesOf(compose);
const serviceOf = (file: ComposeFile, name: string): ComposeService => {
  const found = file.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const service = (name: string): ComposeService => serviceOf(compose, name);
const envOf = (name: string): Record<string, string> => serviceEnvironment(service(name));

/** The identity modes with a registrations file: compose runs each with IDENTITY_MODE=<mode>. */
const modes = composeModes();
/** docker-compose.yml as Compose reads it with IDENTITY_MODE=<mode>. */
const composeIn = (mode: IdentityMode): ComposeFile => loadComposeFile(undefined, { IDENTITY_MODE: mode });

/** The offline path's variables: the stand-in images scripts/build-standin-images.sh builds. */
const STANDIN_ENV = 'docker/standin/images.env';
/** The BFF's load balancer and its configuration (mounted over the image's nginx.conf). */
const BALANCER = 'bff-lb';
const BALANCER_CONF = 'docker/nginx/bff-lb.conf';

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
    expect(new Set(appServices.map((s) => s.app))).toEqual(new Set(composeApps()));
    expect(appServices.filter((s) => s.app === 'bff').map((s) => s.name)).toEqual(['bff-1', 'bff-2']);
  });

  it('has a registrations file, and so env files, for the entra mode at least', () => {
    expect(modes).toContain('entra');
  });

  describe.each(modes)('with IDENTITY_MODE=%s', (mode) => {
    const file = composeIn(mode);
    const envIn = (name: string): Record<string, string> => serviceEnvironment(serviceOf(file, name));

    describe.each(appServicesOf(file).map((s) => [s.name, s.app] as const))(
      'service %s (%s)',
      (name, app) => {
        it('has an environment that passes the config validation of the app', async () => {
          const config = await configOf(app);
          expect(() => config.parse(envIn(name))).not.toThrow();
        });

        it('sets only variables that the app reads', async () => {
          const { declared } = await configOf(app);
          const undeclared = Object.keys(envIn(name)).filter(
            (key) =>
              !declared.has(key) &&
              !READ_OUTSIDE_THE_SCHEMA.some((r) => r.name.test(key) && (r.apps?.includes(app) ?? true)),
          );
          expect(undeclared).toEqual([]);
        });

        it("is checked by a validation that can fail: the app's parser rejects PORT=not-a-port", async () => {
          const config = await configOf(app);
          expect(() => config.parse({ ...envIn(name), PORT: 'not-a-port' })).toThrow(/PORT/);
        });

        it(`takes its environment from docker/env/${mode}/${app}.env, with nothing inline`, () => {
          const s = serviceOf(file, name);
          expect({ env_file: s.env_file, environment: s.environment }).toEqual({
            env_file: `docker/env/${mode}/${app}.env`,
            environment: undefined,
          });
        });
      },
    );

    it("gives the emulator and the SPA the mode's registrations file, as the images hold it", () => {
      const expected = `/app/libs/local-tenant/${mode === 'entra' ? 'registrations.yaml' : `registrations.${mode}.yaml`}`;
      expect([
        envIn('identity-emulator')['EMULATOR_REGISTRATIONS'],
        envIn('web')['EMULATOR_REGISTRATIONS'],
      ]).toEqual([expected, expected]);
    });

    it('keeps the public issuer in tokens while the containers reach the emulator by a hostname its certificate names', () => {
      const emulator = envIn('identity-emulator');
      const publicUrl = emulator['EMULATOR_PUBLIC_URL'] ?? '';
      expect(publicUrl).toBe('https://localhost:8443');
      expect((emulator['EMULATOR_HOSTNAMES'] ?? '').split(',')).toContain('identity-emulator');
      const tenant = loadRegistrationsFor(mode).tenants[0];
      if (tenant === undefined) throw new Error(`registrations of ${mode} have no tenant`);
      const expected = identityEndpoints(tenant, {
        publicUrl,
        internalUrl: 'https://identity-emulator:8443',
      });
      for (const { name, app } of appServicesOf(file).filter(
        (s) => s.app !== 'identity-emulator' && s.app !== 'web',
      )) {
        const env = envIn(name);
        expect({ name, issuers: env['AUTH_ISSUERS']?.split(',') }).toEqual({
          name,
          issuers: [expected.issuer],
        });
        expect({ name, host: new URL(env['AUTH_JWKS_URI'] ?? 'invalid:').host }).toEqual({
          name,
          host: 'identity-emulator:8443',
        });
        if (app === 'bff' || app === 'documents-service') {
          expect({ name, authority: env['AUTH_AUTHORITY'] }).toEqual({ name, authority: expected.authority });
          // MSAL accepts the discovery document's (public) issuer only when its host is a known authority.
          expect({ name, known: env['AUTH_KNOWN_AUTHORITIES']?.split(',') }).toEqual({
            name,
            known: expect.arrayContaining(['identity-emulator:8443', 'localhost:8443']),
          });
        }
      }
      expect(envIn('web')['EMULATOR_PUBLIC_URL']).toBe(publicUrl);
    });

    it('shares one Redis token cache and one cache key between the BFF replicas', () => {
      const [one, two] = [envIn('bff-1'), envIn('bff-2')];
      expect(two).toEqual(one);
      expect(new URL(one['TOKEN_CACHE_REDIS_URL'] ?? 'invalid:').hostname).toBe('redis');
      expect(one['TOKEN_CACHE_ENCRYPTION_KEY']).toBeDefined();
    });
  });

  it('fails, naming the file and exports it expects, when the config of an app does not exist', async () => {
    const missing = {
      file: 'apps/bff/src/config/missing.config.ts',
      parser: 'parseMissingEnv',
      schema: 'missingEnvSchema',
    };
    await expect(loadAppConfig('bff', missing)).rejects.toThrow(
      'apps/bff/src/config/missing.config.ts does not exist, so the bff environment of docker-compose.yml cannot be validated (docs/chain-manifest.md "What an API must have": apps/bff/src/config/missing.config.ts exporting missingEnvSchema and parseMissingEnv(env))',
    );
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
      cpSync(join(repoRoot, 'docker/env/entra'), join(copy, 'docker/env/entra'), { recursive: true });
      cpSync(join(repoRoot, 'docker-compose.yml'), join(copy, 'docker-compose.yml'));
      writeFileSync(join(copy, 'docker/env/entra/bff.env'), 'AUTH_CLIENT_ID=edited-by-hand\n', { flag: 'a' });
      writeFileSync(join(copy, 'docker/env/entra/extra.env'), 'HOST=0.0.0.0\n');
      writeFileSync(join(copy, 'docker/env/bff.env'), 'HOST=0.0.0.0\n');
      expect(outdatedComposeEnvFiles(copy, ['entra'], false)).toEqual([
        'docker/env/entra/bff.env',
        'docker/env/bff.env (not generated)',
        'docker/env/entra/extra.env (not generated)',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("reports a generated API service edited by hand, and one of chain.yaml's APIs missing from it", () => {
    const copy = mkdtempSync(join(tmpdir(), 'compose-file-'));
    try {
      cpSync(join(repoRoot, 'docker/env/entra'), join(copy, 'docker/env/entra'), { recursive: true });
      const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
      writeFileSync(join(copy, 'docker-compose.yml'), text.replace("'127.0.0.1:3002:3002'", "'3002:3002'"));
      expect(outdatedComposeEnvFiles(copy, ['entra'], false)).toEqual(['docker-compose.yml']);
      const region = text.slice(text.indexOf(COMPOSE_REGION.start), text.indexOf(COMPOSE_REGION.end));
      const withoutPricing = text.replace(region, region.replace(/ {2}# pricing-service:[\s\S]*?\n\n/, ''));
      expect(withoutPricing).not.toContain('APP: pricing-service');
      writeFileSync(join(copy, 'docker-compose.yml'), withoutPricing);
      expect(outdatedComposeEnvFiles(copy, ['entra'], false)).toEqual(['docker-compose.yml']);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('builds every API of chain.yaml from the one `api` target of docker/Dockerfile', () => {
    const apis = loadChainManifest().apis.map((api) => api.app);
    const built = appServices.filter((s) => apis.includes(s.app));
    expect(new Set(built.map((s) => s.app))).toEqual(new Set(apis));
    for (const { service: s } of built)
      expect(typeof s.build === 'object' ? s.build.target : undefined).toBe('api');
    expect(readFileSync(join(repoRoot, 'docker/Dockerfile'), 'utf8')).toMatch(/^FROM runtime AS api$/m);
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

  it('puts the two BFF replicas behind nginx, which alone publishes the BFF port and retries only what a replica could not take', () => {
    const balancer = service(BALANCER);
    expect(balancer.image).toBe('nginx:1.27-alpine');
    expect(balancer.volumes).toEqual([`./${BALANCER_CONF}:/etc/nginx/nginx.conf:ro`]);
    expect(publishedPorts(balancer).map((p) => p.spec)).toEqual(['127.0.0.1:3000:3000']);
    expect([publishedPorts(service('bff-1')), publishedPorts(service('bff-2'))]).toEqual([[], []]);
    expect(dependencies(balancer).map((d) => d.name)).toEqual(['bff-1', 'bff-2']);
    expect(dependencies(service('web'))).toEqual([{ name: BALANCER, condition: 'service_healthy' }]);

    const conf = readFileSync(join(repoRoot, BALANCER_CONF), 'utf8');
    const upstream = /upstream bff \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect([...upstream.matchAll(/server (\S+)/g)].map((m) => m[1])).toEqual(['bff-1:3000', 'bff-2:3000']);
    expect(conf).toMatch(/listen 3000;/);
    expect(conf).toMatch(/proxy_pass http:\/\/bff;/);
    // error/timeout only: a BFF answer (its own 502/503) is relayed, and a POST once sent is never resent.
    expect(conf).toMatch(/proxy_next_upstream error timeout;/);
    expect(conf).not.toMatch(/^\s*proxy_next_upstream[^;]*non_idempotent/m);
    // The access log carries no query string and no header but the correlation id.
    expect(conf).not.toMatch(/\$request\b|\$args|\$query_string|\$http_authorization|\$http_cookie/);
  });

  it('takes every base image from a variable whose default is the public image', () => {
    const raw = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
    const images = Object.fromEntries(
      [...raw.matchAll(/\$\{([A-Z_]+_IMAGE):-([^}]+)\}/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(images).toEqual({
      NODE_IMAGE: 'node:22-bookworm-slim',
      POSTGRES_IMAGE: 'postgres:17-alpine',
      REDIS_IMAGE: 'redis:7-alpine',
      AZURITE_IMAGE: 'mcr.microsoft.com/azure-storage/azurite:3.35.0',
      NGINX_IMAGE: 'nginx:1.27-alpine',
    });
    // Every service either builds from docker/Dockerfile (on NODE_IMAGE) or runs a variable's image.
    for (const [name, s] of services) {
      const built = appOf(s) !== undefined;
      expect({ name, image: built ? 'built' : s.image }).toEqual({
        name,
        image: built ? 'built' : expect.stringMatching(/./),
      });
    }
    const dockerfile = readFileSync(join(repoRoot, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(
      dockerfile
        .match(/^FROM (\S+)/gm)
        ?.filter((line) => !line.includes('${NODE_IMAGE}') && !/FROM (deps|runtime)\b/.test(line)),
    ).toEqual([]);
  });

  it('has an offline variables file that points every image variable at a stand-in that the script builds', () => {
    const offline = parseEnvFile(readFileSync(join(repoRoot, STANDIN_ENV), 'utf8'));
    const standins = loadComposeFile(undefined, offline);
    const used = [
      ...readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z_]+_IMAGE):-/g),
    ].map((m) => m[1] as string);
    expect(
      Object.keys(offline)
        .filter((k) => k.endsWith('_IMAGE'))
        .sort(),
    ).toEqual([...new Set(used)].sort());
    for (const [name, value] of Object.entries(offline).filter(([k]) => k.endsWith('_IMAGE'))) {
      const standin = /^entra-api-chain\/standin-([a-z]+):/.exec(value)?.[1];
      expect({
        name,
        dockerfile: existsSync(join(repoRoot, `docker/standin/${standin ?? '?'}/Dockerfile`)),
      }).toEqual({
        name,
        dockerfile: true,
      });
    }
    expect(standins.services['postgres']?.image).toBe(offline['POSTGRES_IMAGE']);
    expect(offline['BUILD_NETWORK']).toBe('host');
    expect(interpolate('${BUILD_NETWORK:-default}', {})).toBe('default');
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
    const configWith = (options: string[], env: Record<string, string>) => {
      const [command, ...args] = cli ?? [];
      const result = spawnSync(
        command as string,
        [...args, ...options, '-f', 'docker-compose.yml', 'config', '-q'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          env: { ...process.env, ...env },
        },
      );
      return { status: result.status, stderr: result.stderr };
    };
    expect(config('docker-compose.yml', repoRoot)).toEqual({ status: 0, stderr: '' });
    for (const mode of modes)
      expect({ mode, ...configWith(['--env-file', STANDIN_ENV], { IDENTITY_MODE: mode }) }).toEqual({
        mode,
        status: 0,
        stderr: '',
      });

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
