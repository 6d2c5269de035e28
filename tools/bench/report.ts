/** What one benchmark process reports (aekit's train-one.ts and the PyTorch peer print the same shape). */
export interface RunResult {
  epochs: Array<{ imagesPerSecond: number; loss: number }>;
  rssAfterEpoch: number[];
  predictImagesPerSecond: number;
  peakRss: number;
  onnxImagesPerSecond?: number;
  /** The thread count used: PyTorch's, or that of aekit's wasm device. */
  threads?: number;
  /** aekit's webgpu device: the adapter it trained on. */
  adapter?: { vendor: string; architecture: string; software: boolean };
}

export interface BenchRow {
  model: string;
  device: string;
  images: number;
  runs: RunResult[];
  torch: RunResult[];
}

export interface BenchContext {
  date: string;
  cpu: string;
  node: string;
  torch: string | undefined;
  /** The thread counts run, each for both engines. */
  threads: number[];
  epochs: number;
  reps: number;
  engine: string;
  load: [number, number];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A run's training throughput: the median over its epochs (the first one includes warm-up). */
export const trainRate = (r: RunResult) => median(r.epochs.map((e) => e.imagesPerSecond));

const num = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : 'n/a');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

export function formatMarkdown(rows: BenchRow[], ctx: BenchContext): string {
  const hasTorch = rows.some((r) => r.torch.length > 0);
  const hasOnnx = rows.some((r) => r.runs.some((x) => x.onnxImagesPerSecond !== undefined));
  const head = [
    'Model',
    'Device',
    'Train img/s',
    ...(hasTorch ? ['PyTorch img/s', 'Ratio'] : []),
    'Predict img/s',
    ...(hasTorch ? ['PyTorch predict img/s'] : []),
    'Peak RSS',
    'RSS epoch 1 → last',
    ...(hasOnnx ? ['ONNX Runtime img/s'] : []),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const train = median(row.runs.map(trainRate));
    const torchTrain = median(row.torch.map(trainRate));
    const predict = median(row.runs.map((r) => r.predictImagesPerSecond));
    const torchPredict = median(row.torch.map((r) => r.predictImagesPerSecond));
    const last = row.runs[row.runs.length - 1];
    const rss = last ? `${mb(last.rssAfterEpoch[0] ?? 0)} → ${mb(last.rssAfterEpoch.at(-1) ?? 0)}` : 'n/a';
    const adapter = row.runs[0]?.adapter;
    const where = adapter
      ? `, ${[adapter.vendor, adapter.architecture].filter(Boolean).join(' ')}${adapter.software ? ' (software GPU)' : ''}`
      : row.runs[0]?.threads
        ? `, ${row.runs[0].threads} thr`
        : '';
    const cells = [
      row.model,
      `${row.device}${where} (${row.images} images)`,
      num(train),
      ...(hasTorch
        ? [
            `${num(torchTrain)} (${row.torch[0]?.threads ?? '?'} thr)`,
            Number.isFinite(torchTrain) ? (train / torchTrain).toFixed(2) : 'n/a',
          ]
        : []),
      num(predict),
      ...(hasTorch ? [num(torchPredict)] : []),
      mb(median(row.runs.map((r) => r.peakRss))),
      rss,
      ...(hasOnnx ? [num(median(row.runs.flatMap((r) => r.onnxImagesPerSecond ?? [])))] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `# Benchmarks

Training throughput of the zoo's \`denseAutoencoder()\`, \`deepAutoencoder()\` and \`convAutoencoder()\`
(28x28x1, batch 128, Adam 1e-3, binary cross-entropy) for ${ctx.epochs} epochs over the first N
Fashion-MNIST training images, with ${ctx.engine === 'aekit' ? "aekit's tfjs training backend (`createTfjsBackend({ device })`, which registers aekit's training kernels)" : "the benchmark's minimal tfjs-core training loop with aekit's training kernels"}, against
PyTorch CPU (${ctx.torch ?? 'not available'}) on the same models, data and settings, measured in the same
run. Both engines run at each thread count of \`--threads\` (here ${ctx.threads.join(' and ')}; shown as "thr"): aekit's
wasm device through \`AEKIT_WASM_THREADS\`, PyTorch through \`torch.set_num_threads\`; the js device has one
thread and is shown beside PyTorch at ${ctx.threads[0]}.
Each configuration runs in its own process, ${ctx.reps} times; the table shows medians (a run's images/s
is the median over its epochs). PyTorch always trains on the larger subset. Ratio = aekit / PyTorch
(higher is better for aekit). Predict = \`reconstruct\` over the subset; ONNX Runtime = the model exported
with \`exportOnnx\` run by onnxruntime-node (CPU execution provider, default threads).
${
  rows.some((r) => r.runs[0]?.adapter?.software)
    ? `The webgpu rows ran on a software GPU (${[
        ...new Set(
          rows.flatMap((r) =>
            r.runs[0]?.adapter?.software
              ? [`${r.runs[0].adapter.vendor} ${r.runs[0].adapter.architecture}`]
              : [],
          ),
        ),
      ].join(
        ', ',
      )}: WebGPU computed by the CPU, e.g. SwiftShader), so they measure the WebGPU code path, not a GPU:
on a machine with a GPU the same \`--devices webgpu\` measures the hardware.
`
    : ''
}When another process keeps a core busy, threads that wait for each other slow down a lot (PyTorch's two
OpenMP threads were measured more than 10x slower than one): run on a quiet machine and compare the rows
of each thread count.

${lines.join('\n')}

- Date: ${ctx.date}; CPU: ${ctx.cpu}; Node ${ctx.node}.
- 1-minute load average: ${ctx.load[0].toFixed(2)} at start, ${ctx.load[1].toFixed(2)} at the end.
  Numbers taken on a shared machine are noisy; compare ratios, not absolute times.
- Reproduce: \`pnpm bench\` (options: \`--images N --js-images N --epochs N --reps N --models dense,deep,conv
  --devices wasm,js,webgpu --threads 1,2 --no-torch --engine aekit|standalone\`); per-kernel profile of one
  training step: \`pnpm --filter @aekit/tools profile conv wasm\`.
`;
}
