import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { telemetryConfig } from '../../libs/platform/src/telemetry/telemetry.config';
import { type ComposeApp } from '../../scripts/generate-compose-env';
import { loadAppConfig } from './app-configs';
import { appOf, loadComposeFile, publishedPorts, repoRoot, serviceEnvironment } from './compose-file';

/**
 * docker-compose.observability.yml, laid over docker-compose.yml, turns OpenTelemetry on in every API of the
 * chain and adds the collector and the trace UI (docs/observability.md). Checked here without an engine:
 * the merged environments still pass each app's config validation and turn telemetry on, the endpoint is the
 * collector's OTLP/HTTP receiver, and the collector's pipelines end at services that exist.
 */
const OVERLAY = 'docker-compose.observability.yml';
const main = loadComposeFile();
const overlay = loadComposeFile(join(repoRoot, OVERLAY));
const collector = parseYaml(readFileSync(join(repoRoot, 'docker/otel/collector.yaml'), 'utf8')) as {
  receivers: { otlp: { protocols: { http: { endpoint: string } } } };
  exporters: Record<string, { endpoint: string }>;
  service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
};

/** The APIs: every service built from docker/Dockerfile except the SPA's static server and the emulator. */
const apis = Object.entries(main.services).filter(([, s]) => {
  const app = appOf(s);
  return app !== undefined && app !== 'web' && app !== 'identity-emulator';
});

describe(`${OVERLAY}: OpenTelemetry for the compose chain`, () => {
  it('lays over services of docker-compose.yml only, besides the collector and the trace UI', () => {
    const added = Object.keys(overlay.services).filter((name) => !(name in main.services));
    expect(added.sort()).toEqual(['jaeger', 'otel-collector']);
    expect(
      Object.keys(overlay.services)
        .filter((name) => name in main.services)
        .sort(),
    ).toEqual(apis.map(([name]) => name).sort());
  });

  it.each(apis.map(([name, s]) => [name, s] as const))(
    '%s: the merged environment passes the config validation and turns telemetry on, towards the collector',
    async (name, service) => {
      const env = {
        ...serviceEnvironment(main.services[name] ?? service),
        ...serviceEnvironment(overlay.services[name] ?? {}),
      };
      const config = await loadAppConfig(appOf(service) as ComposeApp);
      expect(() => config.parse(env)).not.toThrow();
      expect(telemetryConfig(env)).toMatchObject({ enabled: true });
      const endpoint = new URL(env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'invalid:');
      expect({ host: endpoint.hostname, port: endpoint.port }).toEqual({
        host: 'otel-collector',
        port: collector.receivers.otlp.protocols.http.endpoint.split(':').pop(),
      });
    },
  );

  it("sends traces to Jaeger's OTLP port and serves metrics on the published port", () => {
    const traces = collector.service.pipelines['traces'];
    const metrics = collector.service.pipelines['metrics'];
    expect(traces?.receivers).toEqual(['otlp']);
    expect(metrics?.receivers).toEqual(['otlp']);
    const tracesTo = new URL(`http://${collector.exporters[traces?.exporters[0] ?? '']?.endpoint ?? ''}`);
    expect(tracesTo.hostname in overlay.services).toBe(true);
    expect(tracesTo.port).toBe('4317');
    const metricsPort = collector.exporters[metrics?.exporters[0] ?? '']?.endpoint.split(':').pop();
    expect(
      publishedPorts(overlay.services['otel-collector'] ?? {}).map((p) => p.spec.split(':').pop()),
    ).toContain(metricsPort);
    // Published on loopback only, like every port of docker-compose.yml.
    for (const name of ['otel-collector', 'jaeger'])
      for (const port of publishedPorts(overlay.services[name] ?? {})) expect(port.hostIp).toBe('127.0.0.1');
  });

  it('takes each image from a variable whose default is the public image', () => {
    const raw = readFileSync(join(repoRoot, OVERLAY), 'utf8');
    const images = [...raw.matchAll(/\$\{([A-Z_]+_IMAGE):-([^}]+)\}/g)].map((m) => m[1]);
    expect(images.sort()).toEqual(['JAEGER_IMAGE', 'OTEL_COLLECTOR_IMAGE']);
  });

  const cli = ['docker-compose', ['docker', 'compose']]
    .map((c) => [c].flat())
    .find(
      ([command, ...args]) =>
        spawnSync(command as string, [...args, 'version'], { stdio: 'ignore' }).status === 0,
    );
  (cli === undefined ? it.skip : it)('passes `config -q` laid over docker-compose.yml', () => {
    const [command, ...args] = cli ?? [];
    const result = spawnSync(
      command as string,
      [...args, '-f', 'docker-compose.yml', '-f', OVERLAY, 'config', '-q'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
