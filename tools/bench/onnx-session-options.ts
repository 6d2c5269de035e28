/**
 * ONNX Runtime (onnxruntime-node, CPU) session options on the predict path (`reconstruct` of the full
 * export) against PyTorch's predict of the same model, in one run: intra-op threads, graph optimisation
 * level, execution mode, the CPU memory arena, thread spinning, batch size and preallocated outputs, each on
 * the raw ONNX Runtime API, what aekit's session did before (commit dfe5a1b: its copies, the export before
 * one-filter convolutions were split), plus aekit's own session (`createSession(...).reconstruct`).
 * aekit's session runs at 1 and 2 threads and batch sizes 256, 1024 and all images in one call, for
 * reconstruct and encode. Runners take turns (the order reversed every other round) for `rounds` rounds
 * and print their median round (the machine may be shared); PyTorch (tools/bench/torch_bench.py with 0
 * epochs: predict only, batch 256) runs in a child process per thread count at the start and at the end of
 * each model, and its fastest is the peer. Each line also gives images per second of the process's CPU time
 * (all threads), the work done whatever else the machine runs. Prints the load average with
 * each model. The conv model runs on a quarter of the images. About 4 minutes with the defaults.
 *   pnpm --filter @aekit/tools bench:onnx-options [models=dense,deep,conv] [images=16384] [rounds=5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogger } from '@aekit/core';
import { createSession, exportOnnx } from '@aekit/onnx-backend';
import { randomWeights, withPlainConvs } from '@aekit/onnx-backend/testing';
import * as ort from 'onnxruntime-node';
import { loadFashionMnist } from './fashion-mnist.js';
import { benchSpec } from './zoo.js';

const here = dirname(fileURLToPath(import.meta.url));
const [modelsArg = 'dense,deep,conv', countArg = '16384', roundsArg = '5'] = process.argv.slice(2);
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

function torchPredict(model: string, threads: number, n: number): { reconstruct: number; encode: number } {
  const child = spawnSync(
    '/usr/bin/python3',
    [join(here, 'torch_bench.py'), model, dataPath, String(n), '0', '128', String(threads)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`torch ${model} failed:\n${child.stderr.slice(-2000)}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    predictImagesPerSecond: number;
    encodeImagesPerSecond: number;
  };
  return { reconstruct: result.predictImagesPerSecond, encode: result.encodeImagesPerSecond };
}

type Options = ort.InferenceSession.SessionOptions;
interface Variant {
  label: string;
  options: Options;
  batch: number;
  /** Write the output straight into the result array (preallocated fetches) instead of copying it. */
  prealloc?: boolean;
  /** On the graph as exported before one-filter convolutions were split (withPlainConvs). */
  plainConvs?: boolean;
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
  // What createSession did before (commit dfe5a1b): a zeroed result array that each call's output is
  // copied into, on the export with plain one-filter convolutions.
  ...[1, 2].map((threads) => ({
    label: `aekit before, threads ${threads}, batch 1024`,
    options: { intraOpNumThreads: threads, ...spin(false) },
    batch: 1024,
    plainConvs: true,
  })),
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
  rates: number[];
  /** Images per second of this process's CPU time (all its threads): the work, whatever else runs. */
  cpuRates: number[];
}
const median = (rates: readonly number[]) => [...rates].sort((a, b) => a - b)[rates.length >> 1]!;
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
    const session = await ort.InferenceSession.create(
      v.plainConvs ? withPlainConvs(full.bytes) : full.bytes,
      {
        executionProviders: ['cpu'],
        ...v.options,
      },
    );
    runners.push({ label: v.label, run: () => rawReconstruct(session, v, xs), rates: [], cpuRates: [] });
  }
  const aekit = await createSession(full, { device: 'cpu' });
  runners.push({
    label: 'aekit createSession defaults',
    run: () => aekit.reconstruct(xs),
    rates: [],
    cpuRates: [],
  });
  for (const threads of [1, 2]) {
    for (const batchSize of new Set([256, 1024, n])) {
      const session = await createSession(full, { device: 'cpu', threads, batchSize });
      const label = `aekit threads ${threads}, batch ${batchSize === n ? `${n} (one call)` : batchSize}`;
      runners.push({ label, run: () => session.reconstruct(xs), rates: [], cpuRates: [] });
      const encodeLabel = `  encode, threads ${threads}, batch ${batchSize === n ? n : batchSize}`;
      runners.push({ label: encodeLabel, run: () => session.encode(xs), rates: [], cpuRates: [] });
    }
  }
  for (const r of runners) await r.run(); // warm-up
  for (let round = 0; round < rounds; round++) {
    // Alternate the order: a runner is not always the one after the same neighbour.
    for (const r of round % 2 ? [...runners].reverse() : runners) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      await r.run();
      r.rates.push(n / ((performance.now() - start) / 1000));
      const used = process.cpuUsage(cpu);
      r.cpuRates.push(n / ((used.user + used.system) / 1e6));
    }
  }
  [1, 2].forEach((t) => {
    torch.push(torchPredict(name, t, n));
  });
  const torchBest = Math.max(...torch.map((r) => r.reconstruct));
  const torchEncodeBest = Math.max(...torch.map((r) => r.encode));
  const loadEnd = loadavg();
  console.log(
    `\n${name}: ${fmt(n)} Fashion-MNIST images, median of ${rounds} rounds; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} -> ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(
    `  PyTorch (batch 256; before and after) reconstruct ${torch.map((r, i) => `${(i % 2) + 1} thr ${fmt(r.reconstruct)}`).join(', ')}; encode ${torch.map((r, i) => `${(i % 2) + 1} thr ${fmt(r.encode)}`).join(', ')} img/s`,
  );
  for (const r of runners) {
    const peer = r.label.includes('encode') ? torchEncodeBest : torchBest;
    console.log(
      `  ${r.label.padEnd(40)} ${fmt(median(r.rates)).padStart(9)} img/s  x${(median(r.rates) / peer).toFixed(2)} PyTorch's fastest  (${fmt(median(r.cpuRates))} img per CPU-s)`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
