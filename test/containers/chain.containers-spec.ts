import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadRegistrations, LOCAL_TOKEN_CACHE_KEY } from '@chain/local-tenant';
import {
  clientCredentialsToken,
  type IdentityTarget,
  registeredSecrets,
  scanLogsForLeaks,
  type SignedIn,
  signIn,
} from '@chain/testing';
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from 'testcontainers';

import { EMULATOR_DATA_DIR } from '../../scripts/generate-compose-env';
import { ApiClient, bearerParams } from '../chain/support/bff-api';
import { type Hop, hopTo, traceOf } from '../chain/support/chain-trace';
import { comparable, createProgramme, listProgrammes, type Programme } from '../chain/support/programmes';
import {
  appOf,
  loadComposeFile,
  publishedPorts,
  repoRoot,
  serviceEnvironment,
} from '../compose/compose-file';
import { probeDockerEngine } from './docker-engine';

/**
 * The chain assertions of test/chain, run against docker-compose.yml brought up by testcontainers:
 * real images, PostgreSQL, Redis, Azurite, two BFF replicas. Needs a Docker engine (GitHub's runners
 * have one); without one the suite prints one line and is skipped, unless CONTAINERS_REQUIRED=true.
 */

const engine = probeDockerEngine(repoRoot);
const required = process.env['CONTAINERS_REQUIRED'] === 'true';
if (!engine.available && !required) {
  process.stdout.write(`containers: skipped — no Docker engine answers (${engine.reason})\n`);
}

/** Compose project of this run: its own containers, network and volumes, removed at the end. */
const project = `entra-api-chain-test-${randomBytes(4).toString('hex')}`;
/** Building six images and starting ten containers on a CI runner: minutes, not seconds. */
const UP_TIMEOUT_SECONDS = 600;
let logsDir: string | undefined;

const STEP_UP_CLAIMS = { access_token: { acrs: { essential: true, value: 'c1' } } };
const RATES = '/rates?lineOfBusiness=property&region=uk';

const compose = loadComposeFile();
const registrations = loadRegistrations();
const tenantId = registrations.tenants[0]?.id ?? '';
const clientId = (app: string): string =>
  registrations.applications.find((a) => a.name === app)?.clientId ?? '';
const audiencesOf = (app: string): string[] => {
  const reg = registrations.applications.find((a) => a.name === app);
  return reg === undefined ? [] : [reg.clientId, ...reg.identifierUris];
};
const scopesOf = (hop: Hop): string[] => {
  const scp = hop.token.claims['scp'];
  return typeof scp === 'string' ? scp.split(' ') : [];
};

/** `http://127.0.0.1:<published port>` of a compose service (the host side of its first port). */
function hostUrl(service: string): string {
  const definition = compose.services[service];
  const port = definition === undefined ? undefined : publishedPorts(definition)[0];
  if (port?.hostPort === undefined) throw new Error(`${service} publishes no port in docker-compose.yml`);
  return `http://${port.hostIp ?? '127.0.0.1'}:${port.hostPort}`;
}

(engine.available || required ? describe : describe.skip)(
  'the chain in containers (docker-compose.yml through testcontainers)',
  () => {
    let environment: StartedDockerComposeEnvironment | undefined;
    let identity: IdentityTarget;
    let aliceSession: SignedIn;
    let alice: ApiClient;
    let bob: ApiClient;

    beforeAll(async () => {
      if (!engine.available)
        throw new Error(`CONTAINERS_REQUIRED=true but no Docker engine answers (${engine.reason})`);
      try {
        environment = await new DockerComposeEnvironment(repoRoot, 'docker-compose.yml')
          .withProjectName(project)
          .withBuild()
          // `up --wait`: Compose waits until every service reports healthy (each declares a healthcheck;
          // test/compose checks it) and, when one never does, fails with the containers left in place for
          // their logs. testcontainers' own wait (which would tear them down first) then finds them healthy.
          .withClientOptions({ commandOptions: ['--wait', '--wait-timeout', String(UP_TIMEOUT_SECONDS)] })
          .withDefaultWaitStrategy(Wait.forHealthCheck())
          .withStartupTimeout(60_000)
          .up();
      } catch (error) {
        const dir = saveLogs();
        throw new Error(`docker compose up failed; the containers' logs are in ${dir}`, { cause: error });
      }
      const ca = await environment
        .getContainer('identity-emulator-1')
        .exec(['cat', `${EMULATOR_DATA_DIR}/ca.pem`]);
      if (ca.exitCode !== 0) throw new Error(`cannot read the emulator CA: ${ca.output}`);
      // The host reaches the emulator at its public URL (the issuer), trusting its CA for these requests only.
      const emulatorUrl =
        serviceEnvironment(compose.services['identity-emulator'] ?? {})['EMULATOR_PUBLIC_URL'] ?? '';
      identity = { emulatorUrl, tenantId, caPem: ca.stdout, registrations };
      aliceSession = await signIn(identity, 'alice');
      alice = new ApiClient(hostUrl('bff-1'), aliceSession);
      bob = new ApiClient(hostUrl('bff-1'), await signIn(identity, 'bob'));
    });

    afterAll(async () => {
      // Keep the logs of a run whose log scan did not get to save them (an earlier failure).
      if (environment !== undefined && logsDir === undefined) saveLogs();
      await environment?.down({ removeVolumes: true });
    });

    it('lets alice list the programmes of her brokerage (from PostgreSQL) and create one she owns', async () => {
      const before = await listProgrammes(alice);
      expect(before.length).toBeGreaterThan(0);
      expect(new Set(before.map((p) => p.brokerage))).toEqual(new Set(['Northwind']));
      const created = await createProgramme(alice, 'Northwind containers 2027');
      expect(created).toMatchObject({
        brokerage: 'Northwind',
        ownerOid: aliceSession.claims['oid'],
        status: 'draft',
      });
      expect((await listProgrammes(alice)).map((p) => p.id)).toContain(created.id);
    });

    it('answers bob with the same 404 for a Northwind programme as for one that does not exist', async () => {
      const northwind = (await listProgrammes(alice))[0] as Programme;
      const hidden = await bob.get(`/api/programmes/${northwind.id}`);
      const missingId = randomUUID();
      const missing = await bob.get(`/api/programmes/${missingId}`);
      expect([hidden.status, missing.status]).toEqual([404, 404]);
      expect(comparable(hidden.body, northwind.id)).toMatchObject({ status: 404, code: 'not_found' });
      expect(comparable(missing.body, missingId)).toEqual(comparable(hidden.body, northwind.id));
    });

    it('relays the claims challenge of program-service to uma, then approves with a second-factor token', async () => {
      const programme = await createProgramme(alice, 'Northwind containers terminals 2027');
      expect((await alice.post(`/api/programmes/${programme.id}/submit`)).status).toBeLessThan(300);
      const uma = new ApiClient(hostUrl('bff-1'), await signIn(identity, 'uma'));
      const refused = await uma.post(`/api/programmes/${programme.id}/approve`);
      expect(refused.status).toBe(401);
      const challenge = bearerParams(refused.headers.get('www-authenticate'));
      expect(challenge['error']).toBe('insufficient_claims');
      const claims = Buffer.from(challenge['claims'] ?? '', 'base64').toString('utf8');
      expect(JSON.parse(claims)).toEqual(STEP_UP_CLAIMS);

      const stepped = await signIn(identity, 'uma', { claims });
      const approved = await new ApiClient(hostUrl('bff-1'), stepped).post<Programme>(
        `/api/programmes/${programme.id}/approve`,
      );
      expect([200, 201]).toContain(approved.status);
      expect(approved.body).toMatchObject({
        id: programme.id,
        status: 'approved',
        approvedBy: stepped.claims['oid'],
      });
    });

    it('prices a programme in one BFF request: on-behalf-of to program-service, client credentials to pricing-service', async () => {
      const programme = (await listProgrammes(alice))[0] as Programme;
      const res = await alice.get(`/api/programmes/${programme.id}/quote`);
      expect(res.status).toBe(200);
      const { hops } = await traceOf(alice, res.headers.get('x-correlation-id'));
      const program = hopTo(hops, 'program');
      expect(program).toMatchObject({ flow: 'on-behalf-of', status: 200 });
      expect(audiencesOf('program-service')).toContain(program.token.claims['aud']);
      expect(program.token.claims).toMatchObject({ oid: aliceSession.claims['oid'], azp: clientId('bff') });
      const pricing = hopTo(hops, 'pricing');
      expect(pricing).toMatchObject({ flow: 'client-credentials', status: 200 });
      expect(audiencesOf('pricing-service')).toContain(pricing.token.claims['aud']);
      expect(pricing.token.claims['roles']).toContain('Pricing.Read.All');
    });

    it('stores a document in Azurite and returns it byte-identical, through the second hop', async () => {
      const programme = (await listProgrammes(alice))[0] as Programme;
      const bytes = Buffer.from(`policy schedule\n${randomBytes(1024).toString('hex')}\n`, 'utf8');
      const uploaded = await alice.upload<{ id: string }>(`/api/programmes/${programme.id}/documents`, {
        name: 'schedule.txt',
        type: 'text/plain',
        bytes,
      });
      expect(uploaded.status).toBe(201);
      const downloaded = await alice.get(`/api/programmes/${programme.id}/documents/${uploaded.body.id}`);
      expect(downloaded.status).toBe(200);
      expect(downloaded.bytes.equals(bytes)).toBe(true);

      const documents = hopTo(
        (await traceOf(alice, downloaded.headers.get('x-correlation-id'))).hops,
        'documents',
      );
      expect(audiencesOf('documents-service')).toContain(documents.token.claims['aud']);
      const secondHop = hopTo(documents.children ?? [], 'program');
      expect(secondHop).toMatchObject({ flow: 'on-behalf-of', status: 200 });
      expect(scopesOf(secondHop)).toEqual(['Program.Read']);
      expect(secondHop.token.claims).toMatchObject({
        oid: aliceSession.claims['oid'],
        azp: clientId('documents-service'),
      });

      const refused = await bob.get(`/api/programmes/${programme.id}/documents/${uploaded.body.id}`);
      expect(refused.status).toBe(404);
    });

    it.each([
      ['program-service', '/programmes'],
      ['documents-service', `/programmes/${randomUUID()}/documents`],
      ['pricing-service', RATES],
    ] as const)("makes %s refuse the BFF's own token with 401 invalid_token", async (service, path) => {
      const res = await new ApiClient(hostUrl(service), aliceSession).get(path);
      expect(res.status).toBe(401);
      expect(bearerParams(res.headers.get('www-authenticate'))['error']).toBe('invalid_token');
    });

    it("answers the BFF's client-credentials token at pricing-service", async () => {
      const token = await clientCredentialsToken(identity, 'bff', 'api://pricing-service/.default');
      const res = await new ApiClient(hostUrl('pricing-service'), token).get(RATES);
      expect(res.status).toBe(200);
    });

    it('serves bff-2 the downstream token bff-1 acquired, from the shared Redis cache', async () => {
      // bff-2 has answered no request before this one, so its in-process cache is empty.
      const programme = (await listProgrammes(alice))[0] as Programme;
      const viaBff2 = new ApiClient(hostUrl('bff-2'), aliceSession);
      const res = await viaBff2.get(`/api/programmes/${programme.id}/quote`);
      expect(res.status).toBe(200);
      const pricing = hopTo((await traceOf(viaBff2, res.headers.get('x-correlation-id'))).hops, 'pricing');
      expect(['cache', 'refresh']).toContain(pricing.token.source);
    });

    it('serves the SPA on its published port', async () => {
      const res = await fetch(`${hostUrl('web')}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('leaves no JWT, no client secret and no cache key in the logs of any container', () => {
      const dir = saveLogs();
      // Every app logged its start (`"msg":"listening"`), so the scan below read real logs.
      const apps = Object.keys(compose.services).filter((name) => appOf(compose.services[name] ?? {}));
      const listening = apps.filter((name) =>
        readFileSync(join(dir, `${name}.log`), 'utf8').includes('"msg":"listening"'),
      );
      expect(listening).toEqual(apps);
      const secrets = [...registeredSecrets(registrations), LOCAL_TOKEN_CACHE_KEY];
      const leaks = scanLogsForLeaks(dir, secrets).map((l) => `${l.file}:${l.line} ${l.kind}`);
      expect(leaks).toEqual([]);
    });
  },
);

/**
 * Writes each service's log (`docker compose logs`, raw lines) to test-artifacts/logs/containers-<time>/
 * and returns that directory. CI uploads test-artifacts/.
 */
function saveLogs(): string {
  const dir = join(
    repoRoot,
    'test-artifacts',
    'logs',
    `containers-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(compose.services)) {
    const logs = spawnSync(
      'docker',
      ['compose', '-p', project, '-f', 'docker-compose.yml', 'logs', '--no-color', '--no-log-prefix', name],
      { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    writeFileSync(join(dir, `${name}.log`), `${logs.stdout}${logs.stderr}`);
  }
  logsDir = dir;
  return dir;
}
