// The release check's consumer: what a new npm user writes after `npm install` of the packed tarballs.
// Train a few steps -> export the encoder -> run it in onnxruntime-node -> compare with tfjs. Run by
// check.mjs under plain `node` (after `tsc`), under the newest `tsx`, and with `--conditions=source`.
import { createRequire } from 'node:module';
import { trainingBackends } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { meanMse } from '@aekit/eval/metrics';
import { denseAutoencoder } from '@aekit/models';
import { createSession, exportOnnx, readOnnxInfo } from '@aekit/onnx-backend';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const started = performance.now();
const train = await loadDataset('fashion-mnist', { split: 'train', limit: 256, allowDownload: false });
const spec = denseAutoencoder({ inputShape: train.sampleShape, latentDim: 8 });

const backend = createTfjsBackend({ device: 'auto' });
const model = await backend.createModel(spec, { seed: 0 });
const losses: number[] = [];
await model.fit(
  { x: train.images },
  { epochs: 2, batchSize: 32, callbacks: { onEpochEnd: (m) => void losses.push(m.loss) } },
);
if (
  !(losses.length === 2 && losses.every(Number.isFinite) && (losses[1] as number) < (losses[0] as number))
) {
  throw new Error(`training did not lower the loss: ${losses.join(', ')}`);
}

const x = train.images.subarray(0, 16 * 28 * 28);
const { bytes } = exportOnnx(spec, model.getWeights(), { part: 'encoder' });
const session = await createSession(bytes, { device: 'cpu' });
const ort = await session.encode(x);
const tfjs = await model.encode(x);
await session.dispose();
let maxAbsDiff = 0;
for (let i = 0; i < tfjs.length; i++)
  maxAbsDiff = Math.max(maxAbsDiff, Math.abs((ort[i] as number) - (tfjs[i] as number)));
if (ort.length !== tfjs.length || !(maxAbsDiff < 1e-4)) {
  throw new Error(
    `ONNX Runtime and tfjs differ: ${ort.length} vs ${tfjs.length} values, max |diff| ${maxAbsDiff}`,
  );
}

const reconstruction = await model.reconstruct(x);
const mse = meanMse(x, reconstruction);
const info = readOnnxInfo(bytes);
model.dispose();

// The `default` export condition: require() of an ES module package works on Node >= 20.19.
const features = process.features as { require_module?: boolean };
const required = features.require_module
  ? typeof (createRequire(import.meta.url)('@aekit/models') as typeof import('@aekit/models'))
      .denseAutoencoder
  : 'skipped (no require(esm) in this Node)';

console.log(
  JSON.stringify({
    ok: true,
    device: backend.describe(),
    backends: trainingBackends.names(),
    losses: losses.map((l) => Number(l.toFixed(4))),
    encoderOutputs: info?.outputs,
    maxAbsDiff,
    mse: Number(mse.toFixed(4)),
    requireModels: required,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }),
);
