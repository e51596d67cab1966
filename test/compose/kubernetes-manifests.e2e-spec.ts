import {
  allowedConnections,
  idOf,
  type K8sObject,
  kustomizeAvailable,
  render,
  schemaErrors,
  unknownFieldErrors,
} from './kubernetes-manifests';

/**
 * deploy/ (kustomize base for AKS, overlay for a local cluster), checked offline: every rendered object
 * against the Kubernetes schemas (kubernetes-models), probes and resources, workload identity without a
 * client secret, and NetworkPolicies that allow the chain's arrows and nothing else.
 */

const kustomize = kustomizeAvailable();
if (!kustomize)
  process.stdout.write('kubernetes: manifest checks skipped — `kubectl kustomize` is not installed\n');

/** The apps of the chain (built from docker/Dockerfile) and the callers among them (they ask for tokens). */
const APPS = ['bff', 'program-service', 'pricing-service', 'documents-service', 'web'];
const CALLERS = ['bff', 'documents-service'];
const APIS = ['bff', 'program-service', 'pricing-service', 'documents-service'];

const INGRESS_CONTROLLER = 'ns:app-routing-system';
const DNS = 'ns:kube-system/k8s-app=kube-dns';
const PUBLIC = 'ip:0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16';

/** Where the external arrows of the chain end, in each rendering. */
interface Targets {
  readonly identity: string;
  readonly postgres: string;
  readonly blob: string;
}
const AKS: Targets = {
  identity: `${PUBLIC}:TCP/443`,
  postgres: 'ip:<postgres-subnet-cidr>:TCP/5432',
  blob: `${PUBLIC}:TCP/443`,
};
const LOCAL: Targets = {
  identity: 'identity-emulator:TCP/8443',
  postgres: 'postgres:TCP/5432',
  blob: 'azurite:TCP/10000',
};

/** The chain's arrows (docs/kubernetes.md), as allowedConnections() writes them. */
function chainArrows(objects: readonly K8sObject[], targets: Targets): string[] {
  const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  return [
    ...new Set([
      `${INGRESS_CONTROLLER} -> web:TCP/8080`,
      `${INGRESS_CONTROLLER} -> bff:TCP/3000`,
      'bff -> program-service:TCP/3001',
      'bff -> pricing-service:TCP/3002',
      'bff -> documents-service:TCP/3003',
      'bff -> redis:TCP/6379',
      'documents-service -> program-service:TCP/3001',
      ...APIS.map((api) => `${api} -> ${targets.identity}`),
      `program-service -> ${targets.postgres}`,
      `documents-service -> ${targets.blob}`,
      ...deployments.flatMap((d) => [`${d} -> ${DNS}:UDP/53`, `${d} -> ${DNS}:TCP/53`]),
    ]),
  ].sort();
}

const get = (object: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
      object,
    );

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
const containersOf = (deployment: K8sObject): Container[] =>
  (get(deployment, 'spec.template.spec.containers') as Container[] | undefined) ?? [];
const ofKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find(
    (o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)),
  );

(kustomize ? describe : describe.skip)('Kubernetes manifests (deploy/)', () => {
  const renderings = kustomize
    ? ([
        ['deploy/base', render('deploy/base'), AKS],
        ['deploy/overlays/local', render('deploy/overlays/local'), LOCAL],
      ] as const)
    : [];

  describe.each(renderings)('%s', (_dir, objects, targets) => {
    it('validates every object against the Kubernetes schema of its kind', () => {
      expect(objects.length).toBeGreaterThan(20);
      expect(schemaErrors(objects)).toEqual([]);
    });

    it('names no field that the Kubernetes schemas do not know', () => {
      expect(unknownFieldErrors(objects)).toEqual([]);
    });

    it('runs each app with readiness on /health/ready, liveness on /health/live, and resource requests and limits', () => {
      for (const app of APPS) {
        const deployment = named(objects, 'Deployment', app);
        const [container] = deployment === undefined ? [] : containersOf(deployment);
        expect({
          app,
          readiness: container?.readinessProbe?.httpGet?.path,
          liveness: container?.livenessProbe?.httpGet?.path,
        }).toEqual({ app, readiness: '/health/ready', liveness: '/health/live' });
      }
      for (const deployment of ofKind(objects, 'Deployment'))
        for (const c of containersOf(deployment))
          expect({
            deployment: idOf(deployment),
            requests: c.resources?.requests,
            limits: c.resources?.limits,
          }).toEqual({
            deployment: idOf(deployment),
            requests: { cpu: expect.any(String), memory: expect.any(String) },
            limits: { cpu: expect.any(String), memory: expect.any(String) },
          });
    });

    it('gives every Deployment a Service that selects its pods', () => {
      for (const deployment of ofKind(objects, 'Deployment')) {
        const labels = get(deployment, 'spec.template.metadata.labels') as Record<string, string>;
        const services = ofKind(objects, 'Service').filter((s) => {
          const selector = get(s, 'spec.selector') as Record<string, string> | undefined;
          return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
        });
        expect({ deployment: idOf(deployment), services: services.length }).toEqual({
          deployment: idOf(deployment),
          services: 1,
        });
      }
    });

    it('keeps the BFF available: at least two replicas, a PodDisruptionBudget and an autoscaler', () => {
      const pdb = named(objects, 'PodDisruptionBudget', 'bff');
      const hpa = named(objects, 'HorizontalPodAutoscaler', 'bff');
      expect(get(pdb, 'spec.minAvailable')).toBe(1);
      expect(get(pdb, 'spec.selector.matchLabels')).toEqual({ 'app.kubernetes.io/name': 'bff' });
      expect(get(hpa, 'spec.scaleTargetRef')).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'bff',
      });
      expect(get(hpa, 'spec.minReplicas')).toBeGreaterThanOrEqual(2);
      expect(get(named(objects, 'Deployment', 'bff'), 'spec.replicas')).toBeGreaterThanOrEqual(2);
    });

    it('gives the callers workload identity and no client secret anywhere', () => {
      for (const app of CALLERS) {
        const deployment = named(objects, 'Deployment', app);
        const account = named(objects, 'ServiceAccount', app);
        expect({
          app,
          serviceAccount: get(deployment, 'spec.template.spec.serviceAccountName'),
          clientId: (get(account, 'metadata.annotations') as Record<string, string> | undefined)?.[
            'azure.workload.identity/client-id'
          ],
          use: (get(deployment, 'spec.template.metadata.labels') as Record<string, string>)[
            'azure.workload.identity/use'
          ],
        }).toEqual({ app, serviceAccount: app, clientId: expect.stringMatching(/./), use: 'true' });
      }
      const configKeys = ofKind(objects, 'ConfigMap').flatMap((c) =>
        Object.keys((c['data'] as object) ?? {}),
      );
      const envNames = ofKind(objects, 'Deployment').flatMap((d) =>
        containersOf(d).flatMap((c) => (c.env ?? []).map((e) => e.name)),
      );
      expect(
        [...configKeys, ...envNames].filter((k) => /CLIENT_SECRET|CLIENT_CERTIFICATE|PASSWORD/.test(k)),
      ).toEqual([]);
    });

    it('holds one secret only, the token-cache key, and reads it in the BFF alone', () => {
      const secrets = ofKind(objects, 'Secret');
      for (const secret of secrets)
        expect({ name: secret.metadata.name, keys: Object.keys((secret['data'] as object) ?? {}) }).toEqual({
          name: expect.stringMatching(/^bff-token-cache(-[a-z0-9]+)?$/),
          keys: ['encryption-key'],
        });
      const references = ofKind(objects, 'Deployment').flatMap((d) =>
        containersOf(d).flatMap((c) =>
          (c.env ?? [])
            .filter((e) => e.valueFrom?.secretKeyRef !== undefined)
            .map(
              (e) =>
                `${d.metadata.name}:${e.name}=${e.valueFrom?.secretKeyRef?.name.replace(/-[a-z0-9]{10}$/, '')}/${e.valueFrom?.secretKeyRef?.key}`,
            ),
        ),
      );
      expect(references).toEqual(['bff:TOKEN_CACHE_ENCRYPTION_KEY=bff-token-cache/encryption-key']);
    });

    it("allows exactly the chain's arrows through its NetworkPolicies, and denies everything else", () => {
      const deny = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'default-deny');
      expect(get(deny, 'spec')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(allowedConnections(objects)).toEqual(chainArrows(objects, targets));
    });
  });

  describe('checks that can fail', () => {
    const [, base] = renderings[0] ?? ['', []];
    const deployment = named(base, 'Deployment', 'bff') as K8sObject;
    const container = containersOf(deployment)[0] as Container;
    const withContainer = (patch: Record<string, unknown>): K8sObject => ({
      ...deployment,
      spec: {
        ...(deployment['spec'] as object),
        template: {
          ...(get(deployment, 'spec.template') as object),
          spec: {
            ...(get(deployment, 'spec.template.spec') as object),
            containers: [{ ...container, ...patch }],
          },
        },
      },
    });

    it('reports a value of the wrong type or format', () => {
      expect(schemaErrors([withContainer({ resources: { limits: { cpu: 'lots' } } })])).toEqual([
        expect.stringContaining('Deployment/bff: data/spec/template/spec/containers/0/resources/limits/cpu'),
      ]);
    });

    it('reports a misspelt field', () => {
      const errors = unknownFieldErrors([withContainer({ livenesProbe: container.livenessProbe })]);
      expect(errors).toEqual([expect.stringMatching(/^Deployment\/bff: .*livenesProbe/)]);
    });

    it('reports an arrow the chain does not have, and a half-open one', () => {
      const extra: K8sObject = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'pricing-to-redis' },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pricing-service' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }],
              ports: [{ protocol: 'TCP', port: 6379 }],
            },
          ],
        },
      };
      const allowed = allowedConnections([...base, extra]);
      expect(allowed).toContain('pricing-service -> redis:TCP/6379 (egress only)');
      expect(allowed).not.toEqual(chainArrows(base, AKS));
    });
  });
});
