import { serviceNameOf, telemetryConfig } from './telemetry.config';

const BFF_ENTRY = '/srv/chain/dist/apps/bff/src/main.js';

describe('telemetryConfig', () => {
  it('is off when no OTEL variable names an endpoint or an exporter', () => {
    expect(telemetryConfig({}, BFF_ENTRY)).toMatchObject({ enabled: false });
    expect(
      telemetryConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' }, BFF_ENTRY).enabled,
    ).toBe(false);
  });

  it('is on when an OTLP endpoint is set, naming the variable', () => {
    expect(
      telemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, BFF_ENTRY),
    ).toMatchObject({
      enabled: true,
      reason: 'OTEL_EXPORTER_OTLP_ENDPOINT is set',
    });
    expect(
      telemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }, BFF_ENTRY).enabled,
    ).toBe(true);
  });

  it('is on when a traces or metrics exporter other than none is named', () => {
    expect(telemetryConfig({ OTEL_TRACES_EXPORTER: 'console' }, BFF_ENTRY).enabled).toBe(true);
    expect(telemetryConfig({ OTEL_METRICS_EXPORTER: 'none,otlp' }, BFF_ENTRY).enabled).toBe(true);
  });

  it('is off whenever OTEL_SDK_DISABLED is true', () => {
    const config = telemetryConfig(
      { OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      BFF_ENTRY,
    );
    expect(config).toMatchObject({ enabled: false, reason: 'OTEL_SDK_DISABLED=true' });
  });

  it('names the service after the app folder unless the OTEL variables name it', () => {
    expect(telemetryConfig({}, BFF_ENTRY).serviceName).toBe('bff');
    expect(telemetryConfig({ OTEL_SERVICE_NAME: 'edge' }, BFF_ENTRY).serviceName).toBeUndefined();
    expect(
      telemetryConfig(
        { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,service.name=edge' },
        BFF_ENTRY,
      ).serviceName,
    ).toBeUndefined();
    expect(serviceNameOf('/repo/apps/program-service/src/main.ts')).toBe('program-service');
    expect(serviceNameOf('/repo/node_modules/jest/bin/jest.js')).toBeUndefined();
  });

  it('reads the declared downstream base URLs and whether a shared token cache is configured', () => {
    const config = telemetryConfig(
      {
        DOWNSTREAM_APIS__PROGRAM__BASE_URL: 'http://127.0.0.1:3001',
        DOWNSTREAM_APIS__PROGRAM__FLOW: 'on-behalf-of',
        DOWNSTREAM_APIS__PRICING__BASE_URL: ' http://127.0.0.1:3002 ',
        TOKEN_CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
      },
      BFF_ENTRY,
    );
    expect(config.downstreams).toEqual({
      PROGRAM: 'http://127.0.0.1:3001',
      PRICING: 'http://127.0.0.1:3002',
    });
    expect(config.sharedTokenCache).toBe(true);
  });
});
