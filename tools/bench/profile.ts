/**
 * Per-kernel time of one training step (tf.profile), to see where the time goes:
 *   tsx --conditions=source profile.ts <model> <wasm|js> [batch=128] [--no-kernels] [--shapes] [--engine]
 *     [--images N] [--predict]
 * <model>: one of zoo.ts' BENCH_MODELS. Default: the benchmark's minimal training loop (dense, deep, conv,
 * conv-bottleneck); --engine: `fit` epochs over the first --images N images (default 8 batches) with aekit's
 * engine, as the benchmark trains, on the device's own thread count (AEKIT_WASM_THREADS); a step is an epoch's
 * time over its batches, timed without the profiler, then one epoch under it: the kernels' sum per step and
 * the rest (the engine's bookkeeping, allocation, copies, the loop). --predict: one `reconstruct` of the batch
 * (with --engine: the model's own reconstruct).
 */
import { createTfjsBackend, enableWasmRelaxedSimd } from '@aekit/tfjs-backend';
import { registerTrainingKernels } from '@aekit/tfjs-backend/kernels';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { loadFashionMnistTrain } from './fashion-mnist.js';
import { createSpecTrainer } from './spec-trainer.js';
import { benchSpec } from './zoo.js';

// The kernels' build the bench runs (train-one.ts): relaxed SIMD unless AEKIT_WASM_RELAXED_SIMD=0.
enableWasmRelaxedSimd();
const [modelName = 'conv', device = 'wasm', batchArg = '128'] = process.argv.slice(2);
const batch = Number(batchArg);
const makeSpec = () => benchSpec(modelName);
const predict = process.argv.includes('--predict');
const withEngine = process.argv.includes('--engine');
const imagesAt = process.argv.indexOf('--images');
const images = withEngine && !predict ? Number(process.argv[imagesAt + 1] ?? 0) || 8 * batch : batch;
const backendName = device === 'js' ? 'cpu' : 'wasm';
if (withEngine) {
  // The device as the engine starts it (the wasm device's threads included).
  await createTfjsBackend({ device: device === 'js' ? 'js' : 'wasm' }).init();
} else {
  if (device === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend(backendName);
  await tf.ready();
  if (!process.argv.includes('--no-kernels')) registerTrainingKernels(backendName);
}
const x = loadFashionMnistTrain(images);
/** Training steps (batches) in one call of `step`. */
const stepsPerCall = Math.ceil(images / batch);
let step: () => Promise<void>;
let dispose: () => void;
if (withEngine) {
  const backend = createTfjsBackend({ device: device === 'js' ? 'js' : 'wasm' });
  const model = await backend.createModel(makeSpec(), { seed: 0 });
  step = predict
    ? async () => {
        await model.reconstruct(x);
      }
    : async () => {
        await model.fit({ x }, { epochs: 1, batchSize: batch, seed: 1 });
      };
  dispose = () => model.dispose();
} else {
  const trainer = createSpecTrainer(makeSpec(), 0);
  step = predict
    ? async () => trainer.predict(x, batch)
    : async () => {
        trainer.step(x, batch);
      };
  dispose = () => trainer.dispose();
}
for (let i = 0; i < 3; i++) await step();
const steps = 5;
const start = performance.now();
for (let i = 0; i < steps; i++) await step();
const ms = (performance.now() - start) / steps / stepsPerCall;
const profile = await tf.profile(step);
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const key = process.argv.includes('--shapes') ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
  const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
  e.ms += k.kernelTimeMs as number;
  e.calls += 1;
  byKernel.set(key, e);
}
for (const e of byKernel.values()) {
  e.ms /= stepsPerCall;
  e.calls /= stepsPerCall;
}
const total = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
const calls = [...byKernel.values()].reduce((a, b) => a + b.calls, 0);
console.log(
  `${modelName}/${device} (${tf.getBackend()}${device === 'wasm' ? `, AEKIT_WASM_THREADS=${process.env.AEKIT_WASM_THREADS ?? 'unset'}` : ''}): ${ms.toFixed(2)} ms/step = ${((batch * 1000) / ms).toFixed(0)} img/s without the profiler; per step under it: kernels ${total.toFixed(2)} ms in ${calls.toFixed(0)} calls, the rest ${(ms - total).toFixed(2)} ms (${((100 * (ms - total)) / ms).toFixed(0)}%)`,
);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(
    `${name.padEnd(40)} ${e.ms.toFixed(3).padStart(8)} ms ${e.calls.toFixed(1).padStart(6)} calls ${((100 * e.ms) / total).toFixed(1).padStart(5)}%`,
  );
}
dispose();
