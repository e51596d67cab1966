/**
 * Whether and how an app of the chain exports OpenTelemetry data, from the standard `OTEL_*` variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/) plus the two facts
 * of the app's own configuration the chain's metrics need. The SDK itself reads every other `OTEL_*`
 * variable (protocol, headers, sampler, intervals) — nothing here repeats it.
 */

/** What {@link telemetryConfig} read. */
export interface TelemetryConfig {
  /**
   * Off by default: on only when an OTLP endpoint or a traces/metrics exporter is named, and
   * `OTEL_SDK_DISABLED` is not `true`. (The SDK alone would export to localhost:4318 whenever loaded.)
   */
  readonly enabled: boolean;
  /** Why it is on or off, in words, naming the variable that decided. */
  readonly reason: string;
  /**
   * `service.name` to use when neither `OTEL_SERVICE_NAME` nor `OTEL_RESOURCE_ATTRIBUTES` gives one: the
   * app folder of the entry script (`dist/apps/bff/src/main.js` → `bff`). Undefined when they do.
   */
  readonly serviceName?: string;
  /** Base URL of each declared downstream (`DOWNSTREAM_APIS__<NAME>__BASE_URL`), to name downstream calls. */
  readonly downstreams: Readonly<Record<string, string>>;
  /** The app has a shared (L2, Redis) token cache (`TOKEN_CACHE_REDIS_URL`): a miss is a miss in L1 and L2. */
  readonly sharedTokenCache: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const ENDPOINT_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
] as const;
const EXPORTER_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER'] as const;
const DOWNSTREAM_BASE_URL = /^DOWNSTREAM_APIS__([A-Z0-9_]+)__BASE_URL$/;
const APP_ENTRY = /[\\/]apps[\\/]([^\\/]+)[\\/](?:src[\\/])?main\.[cm]?[jt]s$/;

/**
 * Reads the telemetry settings once, at load of `@chain/platform` (before the app's own configuration).
 *
 * @param env the environment (default `process.env`).
 * @param entry the entry script (default `process.argv[1]`), for the default `service.name`.
 */
export function telemetryConfig(
  env: Env = process.env,
  entry: string | undefined = process.argv[1],
): TelemetryConfig {
  const { enabled, reason } = decide(env);
  const serviceName = hasServiceName(env) ? undefined : serviceNameOf(entry);
  return {
    enabled,
    reason,
    ...(serviceName === undefined ? {} : { serviceName }),
    downstreams: downstreamBaseUrls(env),
    sharedTokenCache: (env['TOKEN_CACHE_REDIS_URL'] ?? '').trim() !== '',
  };
}

function decide(env: Env): { enabled: boolean; reason: string } {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true')
    return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const endpoint = ENDPOINT_VARIABLES.find((name) => (env[name] ?? '').trim() !== '');
  if (endpoint !== undefined) return { enabled: true, reason: `${endpoint} is set` };
  const exporter = EXPORTER_VARIABLES.find((name) => exportersOf(env[name]).some((e) => e !== 'none'));
  if (exporter !== undefined) return { enabled: true, reason: `${exporter}=${env[exporter]}` };
  return {
    enabled: false,
    reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER or OTEL_METRICS_EXPORTER is set',
  };
}

function exportersOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

function hasServiceName(env: Env): boolean {
  if ((env['OTEL_SERVICE_NAME'] ?? '').trim() !== '') return true;
  return (env['OTEL_RESOURCE_ATTRIBUTES'] ?? '')
    .split(',')
    .some((kv) => kv.trim().startsWith('service.name='));
}

/** `…/apps/<name>/src/main.js` → `<name>`; undefined for any other entry (a test runner, a script). */
export function serviceNameOf(entry: string | undefined): string | undefined {
  return entry === undefined ? undefined : APP_ENTRY.exec(entry)?.[1];
}

function downstreamBaseUrls(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = DOWNSTREAM_BASE_URL.exec(name);
    if (match?.[1] !== undefined && value !== undefined && value.trim() !== '') out[match[1]] = value.trim();
  }
  return out;
}
