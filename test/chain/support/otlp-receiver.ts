import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An attribute value as OTLP/JSON writes it. */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One span as received, with its service and attributes flattened. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly { name: string; attributes: Readonly<Record<string, unknown>> }[];
}

/** One metric data point as received (the latest export of each service wins: metrics are cumulative). */
export interface ReceivedPoint {
  readonly service: string;
  readonly metric: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** A sum's value, or a histogram's count. */
  readonly value: number;
}

interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: KeyValue[];
        events?: { name: string; attributes?: KeyValue[] }[];
      }[];
    }[];
  }[];
}

interface OtlpPoint {
  attributes?: KeyValue[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
}

interface OtlpMetrics {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: {
      metrics?: {
        name: string;
        sum?: { dataPoints?: OtlpPoint[] };
        histogram?: { dataPoints?: OtlpPoint[] };
      }[];
    }[];
  }[];
}

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
}

function attributesOf(list: readonly KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/**
 * A tiny OTLP/HTTP receiver with the JSON encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) on loopback:
 * what the apps export to `/v1/traces` and `/v1/metrics`, decoded, plus every raw body (for leak scans).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly rawBodies: string[] = [];
  private readonly latestMetrics = new Map<string, ReceivedPoint[]>();
  private server: Server | undefined;

  /** The endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) =>
      this.server === undefined ? resolve(undefined) : this.server.close(resolve),
    );
  }

  /** The metric data points of the latest export of every service. */
  points(metric: string): ReceivedPoint[] {
    return [...this.latestMetrics.values()].flat().filter((p) => p.metric === metric);
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.rawBodies.push(body);
    try {
      if (req.url === '/v1/traces') this.addTraces(JSON.parse(body) as OtlpTraces);
      if (req.url === '/v1/metrics') this.addMetrics(JSON.parse(body) as OtlpMetrics);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch {
      // Not OTLP/JSON (protobuf sent by mistake): the test then finds no spans and says so.
      res.writeHead(400).end();
    }
  }

  private addTraces(payload: OtlpTraces): void {
    for (const rs of payload.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name']);
      for (const span of (rs.scopeSpans ?? []).flatMap((s) => s.spans ?? []))
        this.spans.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
        });
    }
  }

  private addMetrics(payload: OtlpMetrics): void {
    for (const rm of payload.resourceMetrics ?? []) {
      const service = String(attributesOf(rm.resource?.attributes)['service.name']);
      const points = (rm.scopeMetrics ?? []).flatMap((s) =>
        (s.metrics ?? []).flatMap((m) =>
          [...(m.sum?.dataPoints ?? []), ...(m.histogram?.dataPoints ?? [])].map((p) => ({
            service,
            metric: m.name,
            attributes: attributesOf(p.attributes),
            value: Number(p.count ?? p.asInt ?? p.asDouble ?? 0),
          })),
        ),
      );
      this.latestMetrics.set(service, points);
    }
  }
}
