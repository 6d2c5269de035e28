import { benchSpec, flopsPerSample } from './zoo.js';

/** What one benchmark process reports (aekit's train-one.ts and the PyTorch peer print the same shape). */
export interface RunResult {
  epochs: Array<{ imagesPerSecond: number; loss: number }>;
  rssAfterEpoch: number[];
  /** `reconstruct` (PyTorch: the model's forward pass in eval mode) over the subset. */
  predictImagesPerSecond: number;
  /** `encode` (the mean for a VAE) over the subset. */
  encodeImagesPerSecond?: number;
  peakRss: number;
  /** The exported model in onnxruntime-node: `reconstruct` and `encode` of the session API. */
  onnxImagesPerSecond?: number;
  onnxEncodeImagesPerSecond?: number;
  /** The thread count used: PyTorch's, or that of aekit's wasm device. */
  threads?: number;
  /** aekit's webgpu device: the adapter it trained on. */
  adapter?: { vendor: string; architecture: string; software: boolean };
  /** aekit's device line (`describe()`): threads, SIMD or relaxed SIMD, why. */
  backend?: string;
}

/** The runs of one configuration: a model on one engine/device at one thread count. */
export interface BenchRow {
  model: string;
  /** 'pytorch' or aekit's tfjs device ('wasm', 'js', 'webgpu'). */
  device: string;
  threads: number;
  images: number;
  runs: RunResult[];
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
  images: number;
  /** 1-minute load average before the first and after the last run. */
  load: [number, number];
  /** `cat /proc/loadavg`-style samples taken between configurations. */
  loadSamples: number[];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A run's training throughput: the median over its epochs (the first one includes warm-up). */
export const trainRate = (r: RunResult) => median(r.epochs.map((e) => e.imagesPerSecond));

const num = (v: number) =>
  Number.isFinite(v) ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)) : 'n/a';
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const gflops = (rate: number, flops: number) =>
  Number.isFinite(rate) ? ((rate * flops) / 1e9).toFixed(2) : 'n/a';

type Phase = 'train' | 'reconstruct' | 'encode' | 'onnx reconstruct' | 'onnx encode';
const phaseRate: Record<Phase, (r: RunResult) => number | undefined> = {
  train: trainRate,
  reconstruct: (r) => r.predictImagesPerSecond,
  encode: (r) => r.encodeImagesPerSecond,
  'onnx reconstruct': (r) => r.onnxImagesPerSecond,
  'onnx encode': (r) => r.onnxEncodeImagesPerSecond,
};
const phaseFlops = (model: string, phase: Phase) => {
  const f = flopsPerSample(benchSpec(model));
  return phase === 'train' ? f.train : phase.endsWith('encode') ? f.encode : f.reconstruct;
};
const rateOf = (row: BenchRow | undefined, phase: Phase) =>
  row ? median(row.runs.flatMap((r) => phaseRate[phase](r) ?? [])) : Number.NaN;
const columnLabel = (row: BenchRow) =>
  row.device === 'pytorch'
    ? `PyTorch ${row.threads} thr`
    : row.device === 'wasm'
      ? `aekit ${row.threads} thr`
      : row.runs[0]?.adapter
        ? `aekit webgpu${row.runs[0].adapter.software ? ' (software GPU)' : ''}`
        : `aekit ${row.device}`;

interface Line {
  model: string;
  phase: Phase;
  cells: Map<string, number>;
  aekit: number;
  torch: number;
  flops: number;
}

/** One line per model and phase: each configuration's median images/s and both engines' fastest. */
export function benchLines(rows: BenchRow[]): { lines: Line[]; columns: string[] } {
  const columns = [...new Set(rows.filter((r) => r.device !== 'pytorch').map(columnLabel))];
  const torchColumns = [...new Set(rows.filter((r) => r.device === 'pytorch').map(columnLabel))];
  const lines: Line[] = [];
  for (const model of [...new Set(rows.map((r) => r.model))]) {
    const mine = rows.filter((r) => r.model === model);
    for (const phase of Object.keys(phaseRate) as Phase[]) {
      const onnx = phase.startsWith('onnx');
      const cells = new Map<string, number>();
      for (const row of mine) {
        if (onnx && row.device === 'pytorch') continue;
        if (onnx && row.device !== 'wasm') continue;
        cells.set(columnLabel(row), rateOf(row, phase));
      }
      const torchPhase: Phase = onnx ? (phase === 'onnx encode' ? 'encode' : 'reconstruct') : phase;
      for (const row of mine.filter((r) => r.device === 'pytorch')) {
        cells.set(columnLabel(row), rateOf(row, torchPhase));
      }
      const best = (labels: string[]) =>
        Math.max(...labels.map((l) => cells.get(l) ?? Number.NaN).filter(Number.isFinite));
      const aekit = best(columns);
      if (!Number.isFinite(aekit)) continue;
      lines.push({ model, phase, cells, aekit, torch: best(torchColumns), flops: phaseFlops(model, phase) });
    }
  }
  return { lines, columns: [...columns, ...torchColumns] };
}

const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a';

/** The full table of docs/benchmarks.md. */
export function formatTable(rows: BenchRow[]): string {
  const { lines, columns } = benchLines(rows);
  const head = ['Model', 'Phase', ...columns, 'Fastest vs fastest', 'aekit GFLOP/s', 'PyTorch GFLOP/s'];
  const out = [
    `| ${head.join(' | ')} |`,
    `|---|---|${head
      .slice(2)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const l of lines) {
    out.push(
      `| ${[
        l.model,
        l.phase,
        ...columns.map((c) => (l.cells.has(c) ? num(l.cells.get(c) as number) : '')),
        ratio(l.aekit, l.torch),
        gflops(l.aekit, l.flops),
        gflops(l.torch, l.flops),
      ].join(' | ')} |`,
    );
  }
  return out.join('\n');
}

/** Peak RSS per configuration and aekit's RSS after the first and the last epoch. */
export function formatMemory(rows: BenchRow[]): string {
  const out = ['| Model | Configuration | Peak RSS | RSS epoch 1 → last |', '|---|---|---:|---|'];
  for (const row of rows) {
    const last = row.runs[row.runs.length - 1];
    const rss = last ? `${mb(last.rssAfterEpoch[0] ?? 0)} → ${mb(last.rssAfterEpoch.at(-1) ?? 0)}` : 'n/a';
    out.push(
      `| ${row.model} | ${columnLabel(row)} | ${mb(median(row.runs.map((r) => r.peakRss)))} | ${rss} |`,
    );
  }
  return out.join('\n');
}

/** The README's copy: each engine's fastest setting per model and phase, the ratio and GFLOP/s. */
export function formatSummary(rows: BenchRow[]): string {
  const { lines } = benchLines(rows);
  const out = [
    '| model | phase | aekit fastest img/s | PyTorch fastest img/s | ratio | aekit GFLOP/s | PyTorch GFLOP/s |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const l of lines.filter((x) => x.phase !== 'onnx encode')) {
    out.push(
      `| ${l.model} | ${l.phase} | ${num(l.aekit)} | ${num(l.torch)} | ${ratio(l.aekit, l.torch)} | ${gflops(l.aekit, l.flops)} | ${gflops(l.torch, l.flops)} |`,
    );
  }
  return out.join('\n');
}

/** The distinct device lines of aekit's runs, as a sentence after the date ('' when none was recorded). */
function devices(rows: BenchRow[]): string {
  const lines = [...new Set(rows.flatMap((r) => r.runs.map((run) => run.backend)))].filter(Boolean);
  return lines.length === 0 ? '' : ` aekit's devices: ${lines.join('; ')}.`;
}

export function formatMarkdown(rows: BenchRow[], ctx: BenchContext): string {
  const flops = [...new Set(rows.map((r) => r.model))].map((m) => {
    const f = flopsPerSample(benchSpec(m));
    return `${m} ${(f.train / 1e6).toFixed(2)} / ${(f.reconstruct / 1e6).toFixed(2)} / ${(f.encode / 1e6).toFixed(2)}`;
  });
  const software = rows.some((r) => r.runs[0]?.adapter?.software)
    ? `The webgpu column ran on a software GPU (WebGPU computed by the CPU, e.g. SwiftShader), so it measures
the WebGPU code path, not a GPU: on a machine with a GPU the same \`--devices webgpu\` measures the hardware.
`
    : '';
  return `# Benchmarks

Throughput (images/s) of the zoo's models on 28x28x1 Fashion-MNIST images (batch 128, Adam 1e-3, each
model's own loss: binary cross-entropy; MSE for the denoiser, which trains on Gaussian-noised inputs, std
0.5; summed BCE + KL for the VAEs) for ${ctx.epochs} epochs over the first ${ctx.images} training images, with
${ctx.engine === 'aekit' ? "aekit's tfjs training backend (`createTfjsBackend({ device })`, which registers aekit's training kernels)" : "the benchmark's minimal tfjs-core training loop with aekit's training kernels"},
against PyTorch CPU (${ctx.torch ?? 'not available'}) on the same layers, data, batch, loss and optimiser
(tools/bench/torch_bench.py states the differences: layout, where the padding of a stride-2 'same'
convolution goes), measured in the same run. Both engines run at each thread count (${ctx.threads.join(' and ')}; "thr"):
aekit's wasm device through \`AEKIT_WASM_THREADS\`, PyTorch through \`torch.set_num_threads\`.
Each configuration runs in its own process, ${ctx.reps} time(s), the two engines' runs of a thread count taking
turns (PyTorch, aekit, then aekit, PyTorch, ...), so that a slow stretch of the machine falls on both; a cell is
the median over them (a run's training images/s is the median over its epochs, so the warm-up epoch does
not count). Phases: train;
reconstruct and encode (\`model.reconstruct\` / \`model.encode\`; PyTorch: the forward pass and the encoder
in eval mode under \`no_grad\`); onnx = the model exported with \`exportOnnx\` run through aekit's session
API on onnxruntime-node (CPU provider, as many intra-op threads as the column's count), compared with
PyTorch's reconstruct / encode. Both engines' predict cells time the same loop (torch_bench.py's \`rate()\`):
one warm-up call on 256 images, then passes of calls of 256 images over all of them, each output dropped, until
3 passes are done or 2 s have gone by (at least one pass); the run's rate is its median pass.
Fastest vs fastest = aekit's fastest cell / PyTorch's fastest cell (above 1: aekit is faster).
GFLOP/s = images/s x FLOPs per image counted from the spec (dense, convolution and transposed-convolution
products only: forward = 2 x multiply-adds, a training step = 3 x forward), at each engine's fastest
setting. MFLOP per image (train / reconstruct / encode): ${flops.join('; ')}.
${software}When another process keeps a core busy, threads that wait for each other slow down a lot: compare
the columns of one run, not runs on different days.

${formatTable(rows)}

Memory (peak RSS of each configuration's process; aekit's RSS after the first and the last epoch):

${formatMemory(rows)}

- Date: ${ctx.date}; CPU: ${ctx.cpu}; Node ${ctx.node}.${devices(rows)}
- 1-minute load average: ${ctx.load[0].toFixed(2)} at the start, ${ctx.load[1].toFixed(2)} at the end
  (between configurations: ${ctx.loadSamples.map((l) => l.toFixed(2)).join(', ')}). Numbers taken on a
  shared machine are noisy; compare ratios within one run.
- Reproduce: \`pnpm bench\` (\`--quick\`: 1,024 images, 3 epochs, 1 run each, sized for about 10 minutes on a
  quiet machine; it took 22 minutes at a load average of 6 to 13, mostly in PyTorch's 2-thread runs; options:
  \`--images N --epochs N --reps N --models dense,deep,conv,conv-bottleneck,denoising,vae,conv-vae
  --devices wasm,js,webgpu --threads 1,2 --no-torch --engine aekit|standalone\`); per-kernel profile of one
  training step: \`pnpm --filter @aekit/tools profile conv-bottleneck wasm 128 --engine\`.
`;
}
