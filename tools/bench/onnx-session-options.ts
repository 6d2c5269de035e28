/**
 * ONNX Runtime (onnxruntime-node, CPU) session options on the predict path (`reconstruct` of the full
 * export) against PyTorch's predict of the same model, in one run: intra-op threads, graph optimisation
 * level, execution mode, the CPU memory arena, thread spinning, batch size and preallocated outputs, each on
 * the raw ONNX Runtime API, plus aekit's own session (`createSession(...).reconstruct`) with its defaults.
 * Runners take turns for `rounds` rounds and keep their best round (the machine may be shared); PyTorch
 * (tools/bench/torch_bench.py with 0 epochs: predict only, batch 256) runs in a child process per thread
 * count at the start and at the end of each model, and keeps its best. Prints the load average with
 * each model. The conv model runs on a quarter of the images. About 2 minutes with the defaults.
 *   pnpm --filter @aekit/tools bench:onnx-options [models=dense,deep,conv] [images=16384] [rounds=3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogger } from '@aekit/core';
import { createSession, exportOnnx } from '@aekit/onnx-backend';
import { randomWeights } from '@aekit/onnx-backend/testing';
import * as ort from 'onnxruntime-node';
import { loadFashionMnist } from './fashion-mnist.js';
import { benchSpec } from './zoo.js';

const here = dirname(fileURLToPath(import.meta.url));
const [modelsArg = 'dense,deep,conv', countArg = '16384', roundsArg = '3'] = process.argv.slice(2);
const count = Number(countArg);
const rounds = Number(roundsArg);
const x = loadFashionMnist(
  count,
  count <= 10000 ? 't10k-images-idx3-ubyte.gz' : 'train-images-idx3-ubyte.gz',
);
setLogger({ info() {}, warn() {} });

const work = mkdtempSync(join(tmpdir(), 'aekit-onnx-options-'));
const dataPath = join(work, 'images.f32');
writeFileSync(dataPath, Buffer.from(x.buffer, x.byteOffset, x.byteLength));

function torchPredict(model: string, threads: number, n: number): number {
  const child = spawnSync(
    '/usr/bin/python3',
    [join(here, 'torch_bench.py'), model, dataPath, String(n), '0', '128', String(threads)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`torch ${model} failed:\n${child.stderr.slice(-2000)}`);
  return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { predictImagesPerSecond: number })
    .predictImagesPerSecond;
}

type Options = ort.InferenceSession.SessionOptions;
interface Variant {
  label: string;
  options: Options;
  batch: number;
  /** Write the output straight into the result array (preallocated fetches) instead of copying it. */
  prealloc?: boolean;
}
const spin = (on: boolean): Options => ({
  extra: { session: { intra_op: { allow_spinning: on ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
});
const variants: Variant[] = [
  { label: 'ORT defaults, batch 256', options: {}, batch: 256 },
  { label: 'intra 1', options: { intraOpNumThreads: 1 }, batch: 256 },
  { label: 'intra 2', options: { intraOpNumThreads: 2 }, batch: 256 },
  { label: 'intra 2, no spinning', options: { intraOpNumThreads: 2, ...spin(false) }, batch: 256 },
  {
    label: 'intra 2, parallel mode',
    options: { intraOpNumThreads: 2, executionMode: 'parallel' },
    batch: 256,
  },
  { label: 'intra 2, arena off', options: { intraOpNumThreads: 2, enableCpuMemArena: false }, batch: 256 },
  {
    label: 'intra 2, opt basic',
    options: { intraOpNumThreads: 2, graphOptimizationLevel: 'basic' },
    batch: 256,
  },
  { label: 'intra 2, opt all', options: { intraOpNumThreads: 2, graphOptimizationLevel: 'all' }, batch: 256 },
  { label: 'intra 1, batch 128', options: { intraOpNumThreads: 1 }, batch: 128 },
  { label: 'intra 1, batch 1024', options: { intraOpNumThreads: 1 }, batch: 1024 },
  { label: 'intra 2, batch 128', options: { intraOpNumThreads: 2 }, batch: 128 },
  { label: 'intra 2, batch 1024', options: { intraOpNumThreads: 2 }, batch: 1024 },
  { label: 'intra 2, batch 1024, prealloc', options: { intraOpNumThreads: 2 }, batch: 1024, prealloc: true },
  {
    label: 'intra 2, no spinning, batch 1024',
    options: { intraOpNumThreads: 2, ...spin(false) },
    batch: 1024,
  },
];

/** `reconstruct` on the raw API: a tensor per batch over the caller's array, the output copied (or written) into one array. */
async function rawReconstruct(session: ort.InferenceSession, v: Variant, xs: Float32Array) {
  const per = 784;
  const perOut = 784;
  const count = xs.length / per;
  const out = new Float32Array(count * perOut);
  for (let start = 0; start < count; start += v.batch) {
    const n = Math.min(v.batch, count - start);
    const input = new ort.Tensor('float32', xs.subarray(start * per, (start + n) * per), [n, 28, 28, 1]);
    if (v.prealloc) {
      const dst = new ort.Tensor('float32', out.subarray(start * perOut, (start + n) * perOut), [
        n,
        28,
        28,
        1,
      ]);
      await session.run({ input }, { reconstruction: dst });
    } else {
      const result = await session.run({ input }, ['reconstruction']);
      out.set(result.reconstruction!.data as Float32Array, start * perOut);
    }
  }
  return out;
}

interface Runner {
  label: string;
  run: () => Promise<Float32Array>;
  best: number;
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
for (const name of modelsArg.split(',')) {
  const spec = benchSpec(name);
  // The conv model is some 20x the work of the dense ones per image: a quarter of the images.
  const n = name === 'conv' ? count >> 2 : count;
  const xs = x.subarray(0, n * 784);
  const full = exportOnnx(spec, randomWeights(spec), { part: 'full' });
  const loadStart = loadavg();
  const torch = [1, 2].map((t) => torchPredict(name, t, n));
  const runners: Runner[] = [];
  for (const v of variants) {
    const session = await ort.InferenceSession.create(full.bytes, {
      executionProviders: ['cpu'],
      ...v.options,
    });
    runners.push({ label: v.label, run: () => rawReconstruct(session, v, xs), best: 0 });
  }
  const aekit = await createSession(full, { device: 'cpu' });
  runners.push({ label: 'aekit createSession defaults', run: () => aekit.reconstruct(xs), best: 0 });
  const aekit1 = await createSession(full, { device: 'cpu', threads: 1 });
  runners.push({ label: 'aekit createSession threads 1', run: () => aekit1.reconstruct(xs), best: 0 });
  for (const r of runners) await r.run(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const r of runners) {
      const start = performance.now();
      await r.run();
      r.best = Math.max(r.best, n / ((performance.now() - start) / 1000));
    }
  }
  [1, 2].forEach((t, i) => {
    torch[i] = Math.max(torch[i]!, torchPredict(name, t, n));
  });
  const torchBest = Math.max(...torch);
  const loadEnd = loadavg();
  console.log(
    `\n${name}: ${fmt(n)} Fashion-MNIST images, best of ${rounds}; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} -> ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(`  PyTorch ${torch.map((r, i) => `${i + 1} thr ${fmt(r)}`).join(', ')} img/s (batch 256)`);
  for (const r of runners) {
    console.log(
      `  ${r.label.padEnd(32)} ${fmt(r.best).padStart(9)} img/s  x${(r.best / torchBest).toFixed(2)} PyTorch's fastest`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
