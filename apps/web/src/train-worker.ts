// The in-page training, off the main thread: builds a zoo spec, trains it with @aekit/tfjs-backend (WebGPU on
// a hardware adapter, else WebAssembly SIMD with aekit's training kernels) one epoch at a time, posts the loss
// and a few reconstructions after each, and at the end the ONNX export and a checkpoint.
import { CHECKPOINT_FORMAT, type CheckpointManifest, packWeights } from '@aekit/core';
import { exportOnnx } from '@aekit/onnx-backend/browser';
import { createTfjsBackend, setTfjsWasmPaths, type TfjsModel } from '@aekit/tfjs-backend/browser';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import { TRAIN_MODELS } from './train-models.js';
import type { FromWorker, ToWorker } from './train-protocol.js';

/** tfjs fetches one: SIMD, else plain; the threaded build only where the page is cross-origin isolated. */
setTfjsWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl,
});

const BATCH_SIZE = 32;
const LEARNING_RATE = 3e-3;
const SEED = 1;

let stop: AbortController | undefined;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

async function train(request: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  stop = new AbortController();
  // One run per worker (the page terminates it after each): the backend's device is this run's.
  const backend = createTfjsBackend({ device: request.device });
  await backend.init();
  const spec = TRAIN_MODELS[request.model].spec();
  let model: TfjsModel | undefined;
  try {
    model = await backend.createModel(spec, { seed: SEED });
    const parameters = model.getWeights().reduce((n, w) => n + w.data.length, 0);
    const loaded = backend.loaded!;
    const simd = !loaded.simd ? 'no SIMD' : loaded.relaxedSimd ? 'relaxed SIMD' : 'SIMD';
    const device = loaded.device === 'wasm' ? `wasm (${simd})` : loaded.device;
    post({ type: 'device', device, description: backend.describe(), parameters });
    const data = { x: request.x };
    const sampleSize = request.x.length / request.count;
    const preview = request.x.subarray(0, request.previewCount * sampleSize);
    const epochEnd = async (epoch: number, loss: number, seconds: number) => {
      const reconstructions = await model!.reconstruct(preview);
      post({ type: 'epoch', epoch, loss, reconstructions, seconds }, [reconstructions.buffer]);
    };
    await epochEnd(0, (await model.evaluate(data, { batchSize: BATCH_SIZE })).loss, 0);
    let epochs = 0;
    for (let epoch = 1; epoch <= request.epochs; epoch++) {
      if (stop.signal.aborted) break;
      const result = await model.fit(data, {
        epochs: 1,
        batchSize: BATCH_SIZE,
        learningRate: LEARNING_RATE,
        seed: SEED + epoch,
        signal: stop.signal,
        callbacks: {
          onBatchEnd: (info) =>
            post({ type: 'batch', epoch, batch: info.batch, batches: info.batches, loss: info.loss }),
        },
      });
      const last = result.history.at(-1);
      if (result.aborted || last === undefined) break;
      epochs = epoch;
      await epochEnd(epoch, last.loss, last.seconds);
    }
    const weights = model.getWeights();
    const onnx = exportOnnx(spec, weights).bytes;
    const packed = packWeights(weights);
    const state = model.getTrainingState();
    // A version-1 checkpoint directory's two files (checkpoint.json + weights.bin): `aekit` reads them back.
    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      backend: 'tfjs',
      spec,
      weights: packed.manifest,
      training: { step: state.step, epoch: state.epoch },
      meta: { source: 'aekit web: trained in the browser', images: request.count },
    };
    const weightsBin = packed.data.buffer as ArrayBuffer;
    post(
      {
        type: 'done',
        stopped: stop.signal.aborted,
        epochs,
        onnx,
        checkpointJson: JSON.stringify(manifest, null, 2),
        weightsBin,
      },
      [onnx.buffer as ArrayBuffer, weightsBin],
    );
  } finally {
    stop = undefined;
    model?.dispose();
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'stop') {
    stop?.abort();
    return;
  }
  train(message).catch((error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
};
