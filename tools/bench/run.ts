/**
 * `pnpm bench`: trains the zoo's models (tools/bench/zoo.ts) for a few epochs on a fixed subset of
 * Fashion-MNIST with aekit on each tfjs device asked for and with PyTorch CPU (same layers, data, batch,
 * optimiser, loss and thread count) side by side, each configuration in its own child process, times
 * reconstruct/encode (tfjs and the ONNX export on onnxruntime-node), and writes the table to
 * docs/benchmarks.md and its summary to the README (between the bench-table markers).
 *
 * Options: --quick (1,024 images, 3 epochs, 1 run: the whole table in about 10 minutes)
 *          --images N (default 4096) --js-images N (default 512) --epochs N (default 3) --reps N (default 3)
 *          --models dense,deep,conv,conv-bottleneck,denoising,vae,conv-vae (default all)
 *          --devices wasm,js,webgpu (default wasm) --no-torch (webgpu: tfjs-backend-webgpu on the adapter
 *          here; without a GPU, SwiftShader with VK_ICD_FILENAMES set, which the table marks as a software GPU)
 *          --threads 1,2 (default AEKIT_WASM_THREADS, else 1 and the available cores): each count is run
 *          for both engines, aekit's wasm device (AEKIT_WASM_THREADS in its processes) and PyTorch
 *          (torch.set_num_threads)
 *          --engine aekit|standalone (default aekit: the real training engine; standalone: the kernels
 *          under the benchmark's own minimal training loop)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnistTrain } from './fashion-mnist.js';
import { type BenchRow, formatMarkdown, formatSummary, type RunResult } from './report.js';
import { BENCH_MODELS, benchSpec } from './zoo.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const quick = args.includes('--quick');
const images = Number(opt('images', quick ? '1024' : '4096'));
const jsImages = Number(opt('js-images', quick ? '256' : '512'));
const epochs = Number(opt('epochs', '3'));
const reps = Number(opt('reps', quick ? '1' : '3'));
const cores = availableParallelism();
const threadCounts = opt('threads', process.env.AEKIT_WASM_THREADS ?? (cores > 1 ? `1,${cores}` : '1'))
  .split(',')
  .map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) {
  throw new Error(`--threads takes positive integers separated by commas, got ${opt('threads', '')}`);
}
const models = opt('models', Object.keys(BENCH_MODELS).join(',')).split(',');
for (const m of models) benchSpec(m);
const devices = opt('devices', 'wasm').split(',');
const engine = opt('engine', 'aekit');
const python = '/usr/bin/python3';
const withTorch = !args.includes('--no-torch') && torchVersion() !== undefined;

function torchVersion(): string | undefined {
  try {
    return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

function parseResult(stdout: string, what: string): RunResult {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT ') || l.startsWith('{'));
  if (line === undefined) throw new Error(`${what} printed no result:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.replace(/^RESULT /, '')) as RunResult;
}

function runAekit(model: string, device: string, count: number, threads: number): RunResult {
  const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');
  const child = spawnSync(
    tsx,
    [
      '--conditions=source',
      join(here, 'train-one.ts'),
      model,
      device,
      String(count),
      String(epochs),
      '128',
      engine,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', AEKIT_WASM_THREADS: String(threads) },
    },
  );
  if (child.status !== 0) throw new Error(`aekit ${model}/${device} failed:\n${child.stderr.slice(-3000)}`);
  return parseResult(child.stdout, `aekit ${model}/${device}`);
}

function runTorch(model: string, dataPath: string, count: number, threads: number): RunResult {
  const child = spawnSync(
    python,
    [join(here, 'torch_bench.py'), model, dataPath, String(count), String(epochs), '128', String(threads)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`torch ${model} failed:\n${child.stderr.slice(-3000)}`);
  return { ...parseResult(child.stdout, `torch ${model}`), threads };
}

const work = mkdtempSync(join(tmpdir(), 'aekit-bench-'));
const dataPath = join(work, 'fashion-mnist-train.f32');
const data = loadFashionMnistTrain(Math.max(images, jsImages));
writeFileSync(dataPath, Buffer.from(data.buffer, data.byteOffset, data.byteLength));

const loadBefore = loadavg()[0] as number;
const loadSamples: number[] = [];
const rows: BenchRow[] = [];
try {
  for (const model of models) {
    for (const [i, threads] of threadCounts.entries()) {
      // The js and webgpu devices do not use the thread count: timed once.
      const aekitDevices = devices.filter((d) => !((d === 'js' || d === 'webgpu') && i > 0));
      const torchRuns: RunResult[] = [];
      const aekitRuns = new Map<string, RunResult[]>(aekitDevices.map((d) => [d, []]));
      const runTorchRep = (r: number) => {
        torchRuns.push(runTorch(model, dataPath, images, threads));
        process.stderr.write(
          `torch ${model} ${threads} thread(s) rep ${r + 1}/${reps}, load ${loadavg()[0]?.toFixed(2)}\n`,
        );
      };
      const runAekitRep = (r: number) => {
        for (const device of aekitDevices) {
          aekitRuns.get(device)?.push(runAekit(model, device, device === 'js' ? jsImages : images, threads));
          process.stderr.write(
            `aekit ${model}/${device} ${threads} thread(s) rep ${r + 1}/${reps}, load ${loadavg()[0]?.toFixed(2)}\n`,
          );
        }
      };
      // The engines take turns, each going first every other rep: the VM's speed drifts by minutes, and a
      // slow stretch should fall on both engines' runs rather than on one engine's three.
      for (let r = 0; r < reps; r++) {
        if (r % 2 === 1) runAekitRep(r);
        if (withTorch) runTorchRep(r);
        if (r % 2 === 0) runAekitRep(r);
      }
      if (withTorch) rows.push({ model, device: 'pytorch', threads, images, runs: torchRuns });
      for (const device of aekitDevices) {
        const count = device === 'js' ? jsImages : images;
        rows.push({ model, device, threads, images: count, runs: aekitRuns.get(device) ?? [] });
      }
      loadSamples.push(loadavg()[0] as number);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const markdown = formatMarkdown(rows, {
  date: new Date().toISOString(),
  cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
  node: process.version,
  torch: withTorch ? torchVersion() : undefined,
  threads: threadCounts,
  epochs,
  reps,
  engine,
  images,
  load: [loadBefore, loadavg()[0] as number],
  loadSamples,
});
mkdirSync(join(repoRoot, 'docs'), { recursive: true });
writeFileSync(join(repoRoot, 'docs', 'benchmarks.md'), `${markdown}${keptSections()}`);
writeReadmeSummary(
  `${formatSummary(rows)}\n\n${epochs} epochs over ${images} images, ${reps} run(s) each, threads ${threadCounts.join(' and ')}; 1-minute load average ${loadBefore.toFixed(2)} at the start, ${(loadavg()[0] as number).toFixed(2)} at the end (${new Date().toISOString().slice(0, 10)}).`,
);
console.log(markdown);

/**
 * The hand-written sections of docs/benchmarks.md (other scripts' measurements), from its kept marker on:
 * carried over when the table is regenerated.
 */
function keptSections(): string {
  const marker = '<!-- bench-kept:start -->';
  let text = '';
  try {
    text = readFileSync(join(repoRoot, 'docs', 'benchmarks.md'), 'utf8');
  } catch {
    return '';
  }
  const at = text.indexOf(marker);
  return at < 0 ? '' : `\n${text.slice(at)}`;
}

/** Replaces the README's table between its bench-table markers (left alone when they are missing). */
function writeReadmeSummary(table: string): void {
  const path = join(repoRoot, 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench-table:start -->';
  const end = '<!-- bench-table:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    process.stderr.write(`README.md has no ${start} ... ${end} markers: its table was not updated\n`);
    return;
  }
  writeFileSync(path, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
}
