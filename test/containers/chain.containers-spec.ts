import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadRegistrationsFor, LOCAL_TOKEN_CACHE_KEY, parseIdentityMode } from '@chain/local-tenant';
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
import {
  chooseImages,
  COMPOSE_FILES,
  composeCli,
  ContainerEmulatorAdmin,
  containerLogs,
  containerOf,
  docker,
  staleProjects,
} from './compose-stack';
import { probeDockerEngine } from './docker-engine';

/**
 * The chain assertions of test/chain, run against docker-compose.yml brought up by testcontainers: real
 * images, PostgreSQL, Redis, Azurite, two BFF replicas behind nginx. testcontainers' DockerComposeEnvironment
 * drives whichever Compose answers — the v2 plugin with `up --wait`, or Debian's v1.29 `docker-compose`
 * (its compose client's `standalone` executable), whose `up -d` has no `--wait`: testcontainers then waits
 * for every container's healthcheck. Needs a Docker engine; without one the suite prints one line and is
 * skipped, unless CONTAINERS_REQUIRED=true (.ci/run sets it).
 *
 * IDENTITY_MODE selects the mode (default entra; the assertions below are those of the on-behalf-of modes).
 */

const engine = probeDockerEngine(repoRoot);
const cli = engine.available ? composeCli() : undefined;
const required = process.env['CONTAINERS_REQUIRED'] === 'true';
const skipReason = !engine.available
  ? `no Docker engine answers (${engine.reason})`
  : cli === undefined
    ? 'neither `docker compose` nor `docker-compose` is installed'
    : undefined;
if (skipReason !== undefined && !required) process.stdout.write(`containers: skipped — ${skipReason}\n`);

const PROJECT_PREFIX = 'entra-api-chain-test-';
/** Compose project of this run: its own containers, network and volumes, removed at the end. */
const project = `${PROJECT_PREFIX}${randomBytes(4).toString('hex')}`;
/** Building six images and starting eleven containers on a CI runner: minutes, not seconds. */
const UP_TIMEOUT_SECONDS = 600;
let logsDir: string | undefined;

const STEP_UP_CLAIMS = { access_token: { acrs: { essential: true, value: 'c1' } } };
const RATES = '/rates?lineOfBusiness=property&region=uk';
const BFF_REPLICAS = ['bff-1', 'bff-2'] as const;

const mode = parseIdentityMode(process.env['IDENTITY_MODE']);
const compose = loadComposeFile(undefined, { IDENTITY_MODE: mode });
const registrations = loadRegistrationsFor(mode);
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
const appServices = Object.keys(compose.services).filter((name) => appOf(compose.services[name] ?? {}));

/** `http://127.0.0.1:<published port>` of a compose service (the host side of its first port). */
function hostUrl(service: string): string {
  const definition = compose.services[service];
  const port = definition === undefined ? undefined : publishedPorts(definition)[0];
  if (port?.hostPort === undefined) throw new Error(`${service} publishes no port in docker-compose.yml`);
  return `http://${port.hostIp ?? '127.0.0.1'}:${port.hostPort}`;
}

/** The BFF replicas (by service name) whose logs show a request with each correlation id. */
function replicasThatServed(correlationIds: readonly string[]): Map<string, number> {
  const served = new Map<string, number>();
  for (const replica of BFF_REPLICAS) {
    const log = containerLogs(containerOf(project, replica));
    served.set(replica, correlationIds.filter((id) => log.includes(id)).length);
  }
  return served;
}

(skipReason === undefined || required ? describe : describe.skip)(
  `the chain in containers (docker-compose.yml through testcontainers, IDENTITY_MODE=${mode})`,
  () => {
    let environment: StartedDockerComposeEnvironment | undefined;
    let identity: IdentityTarget;
    let admin: ContainerEmulatorAdmin;
    let aliceSession: SignedIn;
    let alice: ApiClient;
    let bob: ApiClient;

    beforeAll(async () => {
      if (skipReason !== undefined) throw new Error(`CONTAINERS_REQUIRED=true but ${skipReason}`);
      for (const stale of staleProjects(PROJECT_PREFIX)) composeDown(stale);
      const images = chooseImages();
      // The same check as `npm run compose` (scripts/compose.mjs): a stand-in image variable with no image.
      const check = spawnSync(process.execPath, ['scripts/compose.mjs', '--', '--check'], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, ...images.variables },
      });
      if (check.status !== 0) throw new Error(check.stderr.trim());
      process.stdout.write(
        `containers: Compose v${cli?.version ?? '?'}, images from ${images.source}, project ${project}\n`,
      );
      // testcontainers' reaper (Ryuk) is an image from Docker Hub; the suite removes its project itself.
      process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
      try {
        let up = new DockerComposeEnvironment(repoRoot, [...COMPOSE_FILES])
          .withProjectName(project)
          .withBuild()
          .withEnvironment({ ...images.variables, IDENTITY_MODE: mode })
          .withDefaultWaitStrategy(Wait.forHealthCheck())
          .withStartupTimeout(UP_TIMEOUT_SECONDS * 1000);
        // v2: `up --wait` fails at once, containers left for their logs, when one never gets healthy.
        // v1 has no --wait; its `up -d` still waits for each `depends_on: service_healthy`.
        up =
          cli?.version === 2
            ? up.withClientOptions({
                commandOptions: ['--wait', '--wait-timeout', String(UP_TIMEOUT_SECONDS)],
              })
            : up.withClientOptions(cli?.executable === undefined ? {} : { executable: cli.executable });
        environment = await up.up();
      } catch (error) {
        const dir = saveLogs();
        throw new Error(`compose up failed; the containers' logs are in ${dir}`, { cause: error });
      }
      const emulator = containerOf(project, 'identity-emulator');
      admin = new ContainerEmulatorAdmin(emulator);
      const caPem = docker(['exec', emulator, 'cat', `${EMULATOR_DATA_DIR}/ca.pem`]);
      // The host reaches the emulator at its public URL (the issuer), trusting its CA for these requests only.
      const emulatorUrl =
        serviceEnvironment(compose.services['identity-emulator'] ?? {})['EMULATOR_PUBLIC_URL'] ?? '';
      identity = { emulatorUrl, tenantId, caPem, registrations };
      aliceSession = await signIn(identity, 'alice');
      alice = new ApiClient(hostUrl('bff-lb'), aliceSession);
      bob = new ApiClient(hostUrl('bff-lb'), await signIn(identity, 'bob'));
    });

    afterAll(async () => {
      // Keep the logs of a run whose log scan did not get to save them (an earlier failure).
      if (environment !== undefined && logsDir === undefined) saveLogs();
      if (environment !== undefined) composeDown(project);
    });

    it('spreads requests over both BFF replicas, which acquire one token per user and downstream between them', async () => {
      // First test: no downstream token exists yet anywhere (memory of either replica, Redis).
      await admin.resetTokenRequests();
      const burst = await Promise.all(
        Array.from({ length: 8 }, () => alice.get<{ programmes: Programme[] }>('/api/programmes')),
      );
      expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
      const programme = burst[0]?.body.programmes[0] as Programme;
      const quotes = [];
      for (let i = 0; i < 8; i++) quotes.push(await alice.get(`/api/programmes/${programme.id}/quote`));
      expect(quotes.map((r) => r.status)).toEqual(Array(8).fill(200));

      const ids = [...burst, ...quotes].map((r) => r.headers.get('x-correlation-id') ?? '');
      const served = replicasThatServed(ids);
      expect([...served.values()].reduce((a, b) => a + b, 0)).toBe(ids.length);
      for (const replica of BFF_REPLICAS)
        expect({ replica, served: served.get(replica) }).not.toEqual({
          replica,
          served: 0,
        });

      // Every token request the BFF made in that window: one per downstream (alice is the only user).
      const { byKey } = await admin.tokenRequests();
      const bffRequests = Object.entries(byKey).filter(([key]) => key.split('|')[1] === clientId('bff'));
      expect(Object.fromEntries(bffRequests.map(([key, n]) => [key.split('|')[2], n]))).toEqual({
        [clientId('program-service')]: 1,
        [clientId('pricing-service')]: 1,
      });
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
      const uma = new ApiClient(hostUrl('bff-lb'), await signIn(identity, 'uma'));
      const refused = await uma.post(`/api/programmes/${programme.id}/approve`);
      expect(refused.status).toBe(401);
      const challenge = bearerParams(refused.headers.get('www-authenticate'));
      expect(challenge['error']).toBe('insufficient_claims');
      const claims = Buffer.from(challenge['claims'] ?? '', 'base64').toString('utf8');
      expect(JSON.parse(claims)).toEqual(STEP_UP_CLAIMS);

      const stepped = await signIn(identity, 'uma', { claims });
      const approved = await new ApiClient(hostUrl('bff-lb'), stepped).post<Programme>(
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
      // The trace is kept by the replica that answered; traceOf polls, and the balancer alternates.
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

    it('serves the SPA on its published port', async () => {
      const res = await fetch(`${hostUrl('web')}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('loses no GET when a BFF replica stops mid-run: the balancer retries it on the other one', async () => {
      const statuses: number[] = [];
      const ids: string[] = [];
      const until = Date.now() + 8_000;
      // Four clients in a loop, bounded in time, against the balancer on loopback.
      const load = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            const res = await alice.get('/api/programmes');
            statuses.push(res.status);
            ids.push(res.headers.get('x-correlation-id') ?? '');
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const servedBefore = replicasThatServed(ids).get('bff-2') ?? 0;
      docker(['stop', '--time', '10', containerOf(project, 'bff-2')]);
      await load;
      expect(servedBefore).toBeGreaterThan(0);
      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });

    it('leaves no JWT, no client secret and no cache key in the logs of any container', () => {
      const dir = saveLogs();
      // Every app logged its start (`"msg":"listening"`), so the scan below read real logs.
      const listening = appServices.filter((name) =>
        containerLogs(containerOf(project, name)).includes('"msg":"listening"'),
      );
      expect(listening).toEqual(appServices);
      const secrets = [...registeredSecrets(registrations), LOCAL_TOKEN_CACHE_KEY];
      const leaks = scanLogsForLeaks(dir, secrets).map((l) => `${l.file}:${l.line} ${l.kind}`);
      expect(leaks).toEqual([]);
    });
  },
);

/** `compose down -v` of a project: its containers, network and volumes. */
function composeDown(name: string): void {
  const [command, ...args] = cli?.argv ?? ['docker-compose'];
  const files = COMPOSE_FILES.flatMap((file) => ['-f', file]);
  spawnSync(command as string, [...args, '-p', name, ...files, 'down', '-v', '--timeout', '5'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: { ...process.env, IDENTITY_MODE: mode },
  });
}

/**
 * Writes each service's log (`docker logs`, raw lines) to test-artifacts/logs/containers-<time>/ and
 * returns that directory. CI uploads test-artifacts/.
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
    let log: string;
    try {
      log = containerLogs(containerOf(project, name));
    } catch (error) {
      log = `(no container: ${(error as Error).message})\n`;
    }
    writeFileSync(join(dir, `${name}.log`), log);
  }
  logsDir = dir;
  return dir;
}
