import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseBffEnv } from '../../apps/bff/src/config/bff.config';
import { parseDocumentsServiceEnv } from '../../apps/documents-service/src/config/documents-service.config';
import { parseEmulatorEnv } from '../../apps/identity-emulator/src/config/emulator.config';
import { parsePricingServiceEnv } from '../../apps/pricing-service/src/config/pricing-service.config';
import { parseProgramServiceEnv } from '../../apps/program-service/src/config/program-service.config';
import { loadWebEnv } from '../../apps/web/src/server/web.config';
import {
  COMPOSE_APPS,
  type ComposeApp,
  composeEnvFiles,
  EMULATOR_DATA_DIR,
} from '../../scripts/generate-compose-env';
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

/** Each app's own boot-time validation: the compose environment must pass exactly what the app runs. */
const validators: Record<ComposeApp, (env: Record<string, string>) => unknown> = {
  'identity-emulator': parseEmulatorEnv,
  'program-service': parseProgramServiceEnv,
  'pricing-service': parsePricingServiceEnv,
  'documents-service': parseDocumentsServiceEnv,
  bff: parseBffEnv,
  web: loadWebEnv,
};

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

describe('docker-compose.yml', () => {
  it('runs every app of the chain, and the BFF as two replicas', () => {
    expect(new Set(appServices.map((s) => s.app))).toEqual(new Set(COMPOSE_APPS));
    expect(appServices.filter((s) => s.app === 'bff').map((s) => s.name)).toEqual(['bff-1', 'bff-2']);
  });

  it.each(appServices.map((s) => [s.name, s.app] as const))(
    'gives %s an environment that passes the config validation of %s',
    (name, app) => {
      expect(() => validators[app](envOf(name))).not.toThrow();
    },
  );

  it('takes each app environment from the env files that scripts/generate-compose-env.ts writes', () => {
    const expected = composeEnvFiles();
    for (const [path, content] of expected)
      expect({ path, content: readFileSync(join(repoRoot, path), 'utf8') }).toEqual({ path, content });
    expect(
      readdirSync(join(repoRoot, 'docker/env'))
        .map((f) => `docker/env/${f}`)
        .sort(),
    ).toEqual([...expected.keys()].sort());
    for (const { name, app, service: s } of appServices)
      expect({ name, env_file: s.env_file, environment: s.environment }).toEqual({
        name,
        env_file: `docker/env/${app}.env`,
        environment: undefined,
      });
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = services.flatMap(([name, s]) =>
      publishedPorts(s).map((p) => ({ name, spec: p.spec, hostIp: p.hostIp })),
    );
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toEqual({ ...port, hostIp: '127.0.0.1' });
  });

  it('gives every service a healthcheck and waits for dependencies to be healthy', () => {
    for (const [name, s] of services)
      expect({ name, healthcheck: hasHealthcheck(s) }).toEqual({ name, healthcheck: true });
    const edges = services.flatMap(([name, s]) => dependencies(s).map((d) => ({ from: name, ...d })));
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      expect(edge).toEqual({ ...edge, condition: 'service_healthy' });
      expect({ target: edge.name, healthcheck: hasHealthcheck(service(edge.name)) }).toEqual({
        target: edge.name,
        healthcheck: true,
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
  (cli === undefined ? it.skip : it)('passes `docker-compose config -q`', () => {
    const [command, ...args] = cli ?? [];
    const result = spawnSync(command as string, [...args, '-f', 'docker-compose.yml', 'config', '-q'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
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
