/**
 * The per-image parts of the one-class Fashion-MNIST scores, written to disk so that score combinations can be
 * compared without retraining (`one_class_scores.py` reads them). For each class and model: train on the first
 * 90% of the class's training images (as one-class.ts), then write the per-pixel squared errors of the
 * 10,000 test images and of the training images, and the codes of both, as raw float32 files
 * `<out>/<class>-<model>-s<seed>-{testerr,fiterr,testcode,fitcode}`.
 *
 *   pnpm --filter @aekit/tools exec tsx --conditions=source bench/one-class-dump.ts --classes 0,1 --models deep64 --out /tmp/one-class
 *   /usr/bin/python3 tools/bench/one_class_scores.py /tmp/one-class deep64-s1
 *
 * Models: `deep32` / `deep64` / `deep128` (`deepAutoencoder({ hidden: [512, 256], latentDim })`, ReLU code),
 * `deep32-linear` (a linear code), `dae` (deep32 trained on Gaussian noise, std 0.3), `vae16`; 20 epochs
 * (the VAE 10), Adam lr 2e-3, batch 64, seeded by class and `--seeds`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelSpec, setLogger } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { ReconstructionDetector } from '@aekit/eval/anomaly';
import { deepAutoencoder, denoisingAutoencoder, vae } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const CLASSES = arg('classes', '0,1,2,3,4,5,6,7,8,9').split(',').map(Number);
const MODELS = arg('models', 'deep64').split(',');
const SEEDS = arg('seeds', '1').split(',').map(Number);
const OUT = arg('out', '/tmp/one-class');
const D = 784;

const deep = (latentDim: number): ModelSpec => deepAutoencoder({ hidden: [512, 256], latentDim });
const SPECS: Record<string, { spec: () => ModelSpec; epochs: number }> = {
  deep32: { spec: () => deep(32), epochs: 20 },
  deep64: { spec: () => deep(64), epochs: 20 },
  deep128: { spec: () => deep(128), epochs: 20 },
  'deep32-linear': {
    spec: () => deepAutoencoder({ hidden: [512, 256], latentDim: 32, latentActivation: 'linear' }),
    epochs: 20,
  },
  dae: {
    spec: () => denoisingAutoencoder({ base: deep(32), noise: { type: 'gaussian', std: 0.3 } }),
    epochs: 20,
  },
  vae16: { spec: () => vae({ latentDim: 16, hiddenUnits: 256 }), epochs: 10 },
};
for (const m of MODELS)
  if (!SPECS[m]) throw new Error(`--models: ${m} is not one of ${Object.keys(SPECS).join(', ')}`);

setLogger({ info() {}, warn: (m: string) => console.warn(m) });
const train = await loadDataset('fashion-mnist', { split: 'train' });
const test = await loadDataset('fashion-mnist', { split: 'test' });
const backend = createTfjsBackend({ device: 'wasm' });
await backend.init();
mkdirSync(OUT, { recursive: true });
const save = (name: string, values: Float32Array) =>
  writeFileSync(join(OUT, name), Buffer.from(values.buffer, values.byteOffset, values.byteLength));

for (const c of CLASSES) {
  const rows: number[] = [];
  for (let i = 0; i < train.count; i++) if (train.labels[i] === c) rows.push(i);
  const x = new Float32Array(rows.length * D);
  for (const [k, r] of rows.entries()) x.set(train.images.subarray(r * D, (r + 1) * D), k * D);
  const fitX = x.subarray(0, Math.round(0.9 * rows.length) * D);
  for (const name of MODELS) {
    const { spec, epochs } = SPECS[name]!;
    for (const seed of SEEDS) {
      const t = Date.now();
      const model = await backend.createModel(spec(), { seed: c * 10 + seed });
      await model.fit({ x: fitX }, { epochs, batchSize: 64, learningRate: 2e-3, seed: c * 10 + seed });
      const errors = new ReconstructionDetector(model, { featureSize: D, batchSize: 500 });
      const tag = `${c}-${name}-s${seed}`;
      save(`${tag}-testerr`, await errors.scoreFeatures(test.images));
      save(`${tag}-fiterr`, await errors.scoreFeatures(fitX));
      save(`${tag}-testcode`, await model.encode(test.images));
      save(`${tag}-fitcode`, await model.encode(fitX));
      model.dispose();
      console.log(`${tag}: ${Math.round((Date.now() - t) / 1000)} s`);
    }
  }
}
