// Prometheus text exposition (format 0.0.4) of the server's counters and histograms.

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }
  render(type = 'counter'): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${type}`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    const s = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]! += 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(key, s);
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** What `GET /metrics` reports: requests by endpoint and status, inference latency, batch sizes, in flight. */
export class ServerMetrics {
  readonly httpRequests = new Counter(
    'aekit_http_requests_total',
    'HTTP requests by endpoint and status code',
  );
  readonly inferSuccess = new Counter('aekit_inference_request_success_total', 'Successful infer requests');
  readonly inferFailure = new Counter('aekit_inference_request_failure_total', 'Failed infer requests');
  readonly inferSamples = new Counter('aekit_inference_samples_total', 'Samples (batch rows) inferred');
  readonly batches = new Counter(
    'aekit_inference_batches_total',
    'ONNX Runtime runs (one per executed batch)',
  );
  readonly latency = new Histogram(
    'aekit_inference_request_duration_seconds',
    'Infer request latency from the full body to the answer',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly batchSize = new Histogram(
    'aekit_inference_batch_size',
    'Rows of each executed batch',
    [1, 2, 4, 8, 16, 32, 64, 128, 256],
  );
  inFlight = 0;

  render(): string {
    return `${[
      ...this.httpRequests.render(),
      ...this.inferSuccess.render(),
      ...this.inferFailure.render(),
      ...this.inferSamples.render(),
      ...this.batches.render(),
      ...this.latency.render(),
      ...this.batchSize.render(),
      '# HELP aekit_requests_in_flight HTTP requests being handled',
      '# TYPE aekit_requests_in_flight gauge',
      `aekit_requests_in_flight ${this.inFlight}`,
    ].join('\n')}\n`;
  }
}
