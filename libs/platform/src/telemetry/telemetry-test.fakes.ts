/* A tracer and a meter that keep what they record in memory (unit tests only; not part of the public API). */
import { type Attributes, context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import { ChainMetrics } from './chain.metrics';

/** One data point of a metric: a sum's value, or a histogram's count and sum. */
export interface Point {
  readonly attributes: Attributes;
  readonly value: number;
  readonly count?: number;
}

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * An in-memory tracer and meter with the chain's instruments, and the async-hooks context manager the SDK
 * installs (without it `context.with` would not reach across an `await`). `close()` removes it again.
 */
export class TelemetryRig {
  readonly tracer: Tracer;
  readonly metrics: ChainMetrics;
  private readonly exporter = new InMemorySpanExporter();
  private readonly reader = new CollectingReader();
  private readonly tracerProvider: BasicTracerProvider;
  private readonly meterProvider: MeterProvider;

  constructor() {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    this.tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(this.exporter)],
    });
    this.meterProvider = new MeterProvider({ readers: [this.reader] });
    this.tracer = this.tracerProvider.getTracer('test');
    this.metrics = new ChainMetrics(this.meterProvider.getMeter('test'));
  }

  /** Spans ended so far. */
  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** Forgets the spans ended so far. */
  resetSpans(): void {
    this.exporter.reset();
  }

  /** The data points of metric `name` now (cumulative since the rig started). */
  async points(name: string): Promise<Point[]> {
    const { resourceMetrics } = await this.reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === name);
    if (metric === undefined) return [];
    if (metric.dataPointType === DataPointType.HISTOGRAM)
      return metric.dataPoints.map((p) => ({
        attributes: p.attributes,
        value: p.value.sum ?? 0,
        count: p.value.count,
      }));
    if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE)
      return metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
    return [];
  }

  async close(): Promise<void> {
    await Promise.all([this.tracerProvider.shutdown(), this.meterProvider.shutdown()]);
    context.disable();
  }
}
