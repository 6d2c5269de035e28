/**
 * Ideas for the one-class Fashion-MNIST table, measured on a few classes before a full run of
 * one-class.ts: several autoencoders, each scored several ways, on the standard protocol (train on all the
 * class's training images but a 10% calibration share, score the 10,000 test images, AUROC). Prints one
 * JSON line per class and model.
 *
 * Run from the repo root: pnpm --filter @aekit/tools exec tsx --conditions=source bench/one-class-ideas.ts --classes 0,2,6
 */
import { type ModelSpec, setLogger } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { AnomalyDetector, ReconstructionDetector } from '@aekit/eval/anomaly';
import { rocAuc, ssimPer, vaeNegativeElbo } from '@aekit/eval/metrics';
import { deepAutoencoder, denoisingAutoencoder, vae } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const CLASSES = arg('classes', '0,2,6').split(',').map(Number);
const MODELS = arg('models', 'vae16,vae32,deep,denoising').split(',');
const D = 784;
setLogger({ info() {}, warn: (m: string) => console.warn(m) });
const train = await loadDataset('fashion-mnist', { split: 'train' });
const test = await loadDataset('fashion-mnist', { split: 'test' });
const backend = createTfjsBackend({ device: 'wasm' });
await backend.init();

const deep = (): ModelSpec => deepAutoencoder({ hidden: [512, 256], latentDim: 32 });
const SPECS: Record<string, { spec: () => ModelSpec; epochs: number }> = {
  vae16: { spec: () => vae({ latentDim: 16, hiddenUnits: 256 }), epochs: 10 },
  vae32: { spec: () => vae({ latentDim: 32, hiddenUnits: 512 }), epochs: 20 },
  deep: { spec: deep, epochs: 20 },
  denoising: {
    spec: () => denoisingAutoencoder({ base: deep(), noise: { type: 'gaussian', std: 0.3 } }),
    epochs: 20,
  },
};

/** Mean over pixels of the squared error divided by that pixel's mean squared error on normal data. */
function pixelNormalised(features: Float32Array, reference: Float32Array): Float64Array {
  const m = reference.length / D;
  const v = new Float64Array(D);
  for (let i = 0; i < reference.length; i++) v[i % D] = (v[i % D] as number) + (reference[i] as number) / m;
  const n = features.length / D;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += (features[i * D + j] as number) / ((v[j] as number) + 1e-4);
    out[i] = s / D;
  }
  return out;
}

for (const c of CLASSES) {
  const rows: number[] = [];
  for (let i = 0; i < train.count; i++) if (train.labels[i] === c) rows.push(i);
  const x = new Float32Array(rows.length * D);
  for (const [k, r] of rows.entries()) x.set(train.images.subarray(r * D, (r + 1) * D), k * D);
  const nFit = Math.round(0.9 * rows.length);
  const fitX = x.subarray(0, nFit * D);
  const calX = x.subarray(nFit * D);
  const truth = Array.from(test.labels, (l) => (l === c ? 0 : 1));
  for (const name of MODELS) {
    const t = Date.now();
    const { spec, epochs } = SPECS[name] as (typeof SPECS)[string];
    const model = await backend.createModel(spec(), { seed: c + 1 });
    await model.fit({ x: fitX }, { epochs, batchSize: 64, learningRate: 2e-3, seed: c + 1 });
    const r: Record<string, number> = {};
    const rd = new ReconstructionDetector(model, { featureSize: D, batchSize: 500 });
    const features = await rd.scoreFeatures(test.images);
    const fitFeatures = await rd.scoreFeatures(fitX);
    r.mse = rocAuc(truth, await rd.score(test.images));
    r['pixel-normalised mse'] = rocAuc(truth, pixelNormalised(features, fitFeatures));
    const recon = await model.reconstruct(test.images);
    r.ssim = rocAuc(
      truth,
      ssimPer(test.images, recon, [28, 28, 1]).map((s) => 1 - s),
    );
    for (const score of ['latent-knn', 'mse+latent-knn'] as const) {
      const det = new AnomalyDetector(model, { score, threshold: { fpr: 0.05 } });
      await det.fit(fitX);
      await det.calibrate(calX);
      r[score] = rocAuc(truth, (await det.score(test.images)).scores);
    }
    if (model.spec.latent.type === 'gaussian') {
      const elbo = await vaeNegativeElbo(model, test.images, { featureSize: D, loss: 'bce' });
      r.elbo = rocAuc(truth, elbo.negativeElbo);
      r.kl = rocAuc(truth, elbo.kl);
    }
    model.dispose();
    console.log(
      JSON.stringify({ class: c, model: name, seconds: Math.round((Date.now() - t) / 1000), ...r }),
    );
  }
}
