/**
 * One benchmark configuration in its own process (so its peak RSS is its own):
 *   tsx --conditions=source train-one.ts <model> <wasm|js|webgpu> <images> <epochs> <batch> [aekit|standalone]
 * <model> is one of zoo.ts' BENCH_MODELS. Trains on the first <images> Fashion-MNIST training images with
 * aekit's tfjs backend (or, with `standalone`, the benchmark's own minimal tfjs-core loop: kernels only, no
 * engine; dense, deep and conv only), times `reconstruct` and `encode` with tfjs and with the exported ONNX
 * model in onnxruntime-node, and prints one line `RESULT {json}`.
 */
import type { ModelSpec } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { createSession, exportOnnx } from '@aekit/onnx-backend';
import { createTfjsBackend, enableWasmRelaxedSimd, selectDevice } from '@aekit/tfjs-backend';
import { median, type RunResult } from './report.js';
import { benchSpec } from './zoo.js';

const [
  modelName = 'conv',
  device = 'wasm',
  imagesArg = '1024',
  epochsArg = '3',
  batchArg = '128',
  engine = 'aekit',
] = process.argv.slice(2);
// As the aekit CLI does: the wasm kernels' fused multiply-add build on Node 20 too (AEKIT_WASM_RELAXED_SIMD=0:
// the plain one); the result's `backend` line says which ran.
enableWasmRelaxedSimd();
const images = Number(imagesArg);
const epochs = Number(epochsArg);
const batchSize = Number(batchArg);

if (device !== 'wasm' && device !== 'js' && device !== 'webgpu') {
  throw new Error(`unknown device ${device}; use wasm, js or webgpu`);
}
const spec: ModelSpec = benchSpec(modelName);

const dataset = await loadDataset('fashion-mnist', { split: 'train', limit: images, allowDownload: false });
if (dataset.count !== images) throw new Error(`wanted ${images} images, loaded ${dataset.count}`);
const x = dataset.images;

const result: RunResult & Record<string, unknown> = {
  model: modelName,
  device,
  engine,
  images,
  batchSize,
  epochs: [],
  rssAfterEpoch: [],
  predictImagesPerSecond: 0,
  peakRss: 0,
};

const time = async (f: () => Promise<unknown> | unknown) => {
  const start = performance.now();
  await f();
  return images / ((performance.now() - start) / 1000);
};

/**
 * Predict throughput as torch_bench.py's `rate()` measures PyTorch's: one warm-up call on the first 256
 * images, then passes of calls of 256 over all of them, each call's output dropped (what a caller streaming its
 * data through does; PyTorch's caching allocator then reuses one output buffer, aekit returns a fresh array per
 * call). Passes until PREDICT_PASSES are done or PREDICT_SECONDS have gone by (at least one); the median pass,
 * so that one pause of the machine does not decide the cell.
 */
const PREDICT_CALL = 256;
const PREDICT_PASSES = 3;
const PREDICT_SECONDS = 2;
const rate = async (f: (batch: Float32Array) => Promise<unknown> | unknown) => {
  const per = x.length / images;
  await f(x.subarray(0, PREDICT_CALL * per));
  const rates: number[] = [];
  const start = performance.now();
  while (
    rates.length < PREDICT_PASSES &&
    (rates.length === 0 || performance.now() - start < PREDICT_SECONDS * 1000)
  ) {
    rates.push(
      await time(async () => {
        for (let at = 0; at < images; at += PREDICT_CALL) {
          await f(x.subarray(at * per, Math.min(images, at + PREDICT_CALL) * per));
        }
      }),
    );
  }
  return median(rates);
};

if (engine === 'aekit') {
  const backend = createTfjsBackend({ device });
  await backend.init();
  result.backend = backend.describe();
  result.threads = backend.loaded?.threads;
  result.adapter = backend.loaded?.adapter;
  const model = await backend.createModel(spec, { seed: 0 });
  await model.fit(
    { x },
    {
      epochs,
      batchSize,
      learningRate: 1e-3,
      seed: 1,
      callbacks: {
        onEpochEnd(m) {
          result.epochs.push({ imagesPerSecond: m.samplesPerSecond, loss: m.loss });
          result.rssAfterEpoch.push(process.memoryUsage().rss);
        },
      },
    },
  );
  result.predictImagesPerSecond = await rate((b) => model.reconstruct(b));
  result.encodeImagesPerSecond = await rate((b) => model.encode(b));
  const weights = model.getWeights();
  model.dispose();
  try {
    // As many intra-op threads as the process's wasm device (PyTorch's set_num_threads in its peer); rate()
    // warms up on the batch shape it times: ONNX Runtime's first call at a new batch size grows its memory
    // arena, which on a 2-core VM cost as much as the graph itself (docs/benchmarks.md, "Where
    // reconstruct's time went").
    const threads = typeof result.threads === 'number' ? result.threads : undefined;
    const session = await createSession(exportOnnx(spec, weights), { device: 'cpu', threads });
    result.onnxThreads = threads;
    result.onnxImagesPerSecond = await rate((b) => session.reconstruct(b));
    result.onnxEncodeImagesPerSecond = await rate((b) => session.encode(b));
  } catch (error) {
    result.onnxError = (error as Error).message.split('\n')[0];
  }
} else {
  const { registerTrainingKernels } = await import('@aekit/tfjs-backend/kernels');
  const { createSpecTrainer } = await import('./spec-trainer.js');
  // The device (with its gradients, and the wasm device's threads) as the engine loads it, without its kernels.
  const loaded = await selectDevice(device);
  const backendName = loaded.backendName;
  result.threads = loaded.threads;
  result.adapter = loaded.adapter;
  result.kernels = process.env.AEKIT_BENCH_NO_KERNELS ? [] : registerTrainingKernels(backendName);
  const trainer = createSpecTrainer(spec, 0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    let loss = 0;
    const rate = await time(async () => {
      loss = await trainer.trainEpoch(x, batchSize, epoch + 1);
    });
    result.epochs.push({ imagesPerSecond: rate, loss });
    result.rssAfterEpoch.push(process.memoryUsage().rss);
  }
  result.predictImagesPerSecond = await rate((b) => trainer.predict(b, PREDICT_CALL));
  trainer.dispose();
}
result.peakRss = process.resourceUsage().maxRSS * 1024;
console.log(`RESULT ${JSON.stringify(result)}`);
