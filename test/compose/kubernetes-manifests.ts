import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

import { repoRoot } from './compose-file';

/**
 * Reading and checking the Kubernetes manifests of deploy/: rendering them with kustomize, validating every
 * object against the Kubernetes schemas that `kubernetes-models` ships (generated from Kubernetes' OpenAPI
 * definitions), and computing which connections their NetworkPolicies allow.
 */

/** A Kubernetes object as rendered (the fields the checks read are reached through `get`). */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** `kubectl kustomize` (kustomize built into kubectl), when installed. */
export function kustomizeAvailable(): boolean {
  return spawnSync('kubectl', ['kustomize', '--help'], { stdio: 'ignore' }).status === 0;
}

/** The objects `kubectl kustomize <dir>` renders (dir relative to the repository root). */
export function render(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', join(repoRoot, dir)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

/** Loads a kind's model class from kubernetes-models (CommonJS). */
const load = createRequire(__filename);

/** `kubernetes-models/<group>/<version>/<Kind>` (core objects: `kubernetes-models/v1/<Kind>`). */
export function modelPath(object: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

/** `kind/name` of an object, for messages. */
export const idOf = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;

/**
 * Schema errors of each object (empty when all are valid): kubernetes-models' validator of its kind (types,
 * formats such as quantities and ports, required fields, enums). An unknown apiVersion/kind is an error.
 */
export function schemaErrors(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((object) => {
    let model: new (data: unknown) => { validate(): void };
    try {
      model = (load(modelPath(object)) as Record<string, typeof model>)[object.kind] as typeof model;
    } catch {
      return [`${idOf(object)}: no schema for ${object.apiVersion} ${object.kind}`];
    }
    try {
      new model(object).validate();
      return [];
    } catch (error) {
      return [`${idOf(object)}: ${(error as Error).message}`];
    }
  });
}

/**
 * Fields the schemas do not know (a misspelt `livenessProbe` is silently dropped by a cluster that does not
 * validate strictly): every object is type-checked as an object literal of its kind's interface from the
 * same package, which TypeScript checks for excess properties at every depth.
 */
export function unknownFieldErrors(objects: readonly K8sObject[]): string[] {
  const file = join(repoRoot, 'deploy', '.manifests.check.ts');
  const source = objects
    .map(
      (object, i) =>
        `import type { I${object.kind} as T${i} } from '${modelPath(object)}';\nexport const o${i}: T${i} = ${JSON.stringify(object)};`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => {
      const line = d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0;
      const object = objects[Math.floor(line / 2)];
      return `${object === undefined ? '?' : idOf(object)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}

// ── NetworkPolicies ───────────────────────────────────────────────────────────────────────────────────────

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
}
interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  readonly from?: PolicyPeer[];
  readonly to?: PolicyPeer[];
  readonly ports?: Array<{ protocol?: string; port?: number | string }>;
}
interface PolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: string[];
  readonly ingress?: PolicyRule[];
  readonly egress?: PolicyRule[];
}

/** The pods of the rendered Deployments: name and pod-template labels. */
export function podsOf(objects: readonly K8sObject[]): Map<string, Record<string, string>> {
  const pods = new Map<string, Record<string, string>>();
  for (const object of objects.filter((o) => o.kind === 'Deployment')) {
    const template = (object['spec'] as { template?: { metadata?: { labels?: Record<string, string> } } })
      .template;
    pods.set(object.metadata.name, template?.metadata?.labels ?? {});
  }
  return pods;
}

/** Whether `labels` match a Kubernetes label selector (matchLabels and the In / NotIn / Exists operators). */
export function matches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === 'In') return value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return value === undefined || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    if (e.operator === 'DoesNotExist') return value === undefined;
    throw new Error(`unknown selector operator ${e.operator}`);
  });
  return byLabel && byExpression;
}

/**
 * Every connection the NetworkPolicies allow, as `from -> to:PROTOCOL/port`, where a pod is its Deployment's
 * name, a peer outside the namespace is `ns:<namespace>` (with `/<label>=<value>` for a pod selector) and an
 * address block is `ip:<cidr>` (with ` except <cidrs>`). A connection between two pods of the namespace is
 * allowed when the caller's egress AND the callee's ingress allow it; one that only one side allows is
 * listed with ` (egress only)` or ` (ingress only)`: a half-open arrow is a defect too. A rule without
 * peers (any source or destination) is `*`.
 */
export function allowedConnections(objects: readonly K8sObject[]): string[] {
  const pods = podsOf(objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o['spec'] as PolicySpec);
  const podsMatching = (selector: LabelSelector) =>
    [...pods].filter(([, labels]) => matches(selector, labels)).map(([name]) => name);
  const peersOf = (peer: PolicyPeer): string[] => {
    if (peer.ipBlock !== undefined)
      return [
        `ip:${peer.ipBlock.cidr}${peer.ipBlock.except ? ` except ${peer.ipBlock.except.join(',')}` : ''}`,
      ];
    if (peer.namespaceSelector !== undefined) {
      const ns = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? '*';
      const pod = Object.entries(peer.podSelector?.matchLabels ?? {}).map(([k, v]) => `/${k}=${v}`);
      return [`ns:${ns}${pod.join('')}`];
    }
    return podsMatching(peer.podSelector ?? {});
  };
  const portsOf = (rule: PolicyRule) =>
    (rule.ports ?? [{}]).map((p) => `${p.protocol ?? 'TCP'}/${p.port ?? '*'}`);
  const egress = new Set<string>();
  const ingress = new Set<string>();
  for (const policy of policies) {
    const selected = podsMatching(policy.podSelector);
    for (const rule of policy.egress ?? [])
      for (const from of selected)
        for (const to of rule.to === undefined ? ['*'] : rule.to.flatMap(peersOf))
          for (const port of portsOf(rule)) egress.add(`${from} -> ${to}:${port}`);
    for (const rule of policy.ingress ?? [])
      for (const to of selected)
        for (const from of rule.from === undefined ? ['*'] : rule.from.flatMap(peersOf))
          for (const port of portsOf(rule)) ingress.add(`${from} -> ${to}:${port}`);
  }
  const isPod = (name: string) => pods.has(name);
  const endpoints = (arrow: string) => {
    const [from, rest] = arrow.split(' -> ') as [string, string];
    return { from, to: rest.slice(0, rest.lastIndexOf(':')) };
  };
  const result = new Set<string>();
  for (const arrow of egress) {
    const { to } = endpoints(arrow);
    if (!isPod(to) || ingress.has(arrow)) result.add(arrow);
    else result.add(`${arrow} (egress only)`);
  }
  for (const arrow of ingress) {
    const { from } = endpoints(arrow);
    if (!isPod(from)) result.add(arrow);
    else if (!egress.has(arrow)) result.add(`${arrow} (ingress only)`);
  }
  return [...result].sort();
}
