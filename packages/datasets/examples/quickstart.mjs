// Run after `pnpm --filter @aekit/datasets build`: node examples/quickstart.mjs
import { corrupt } from '@aekit/core';
import {
  loadBreastCancer,
  loadColorPatches,
  loadDataset,
  loadEcg,
  minMaxScale,
  shuffledBatches,
  slidingWindows,
  subset,
  toGrayscale,
  trainValidationSplit,
} from '@aekit/datasets';

// Images: Fashion-MNIST (local copy, cache, download or the shipped sample; `source` says which).
const train = await loadDataset('fashion-mnist', { split: 'train', limit: 2000 });
console.log(train.count, train.sampleShape, train.source.kind, train.classNames[train.labels[0]]);

const { train: fit, validation } = trainValidationSplit(subset(train, 1000), 0.1, 42);
const batches = shuffledBatches(fit.count, 64, /* seed */ 1);
console.log(`${fit.count} train / ${validation.count} validation, ${batches.length} batches of 64`);

// Denoising input: a noisy copy (the clean images stay untouched).
const noisy = corrupt(fit.images, fit.sampleShape, { type: 'gaussian', std: 0.3 }, 7);
const marked = corrupt(fit.images, fit.sampleShape, { type: 'watermark', text: 'aekit', opacity: 0.7 }, 7);
console.log(
  'mean |noise|',
  meanAbsDiff(noisy, fit.images).toFixed(3),
  'watermark',
  meanAbsDiff(marked, fit.images).toFixed(4),
);

// Tabular: scikit-learn's breast-cancer data, scaled to [0, 1].
const cancer = loadBreastCancer();
const scaled = minMaxScale(cancer, cancer);
console.log(cancer.count, cancer.featureCount, cancer.labelNames, scaled.features[0].toFixed(3));

// Time series: 1-second ECG windows (360 samples) every half second.
const ecg = loadEcg();
const windows = slidingWindows(ecg.signal, 360, 180);
console.log(ecg.count, `${ecg.samplingRate} Hz`, windows.count, 'windows');

// Colour: 32x32 patches from real photos, and their grayscale input for colorization.
const patches = loadColorPatches({ size: 32, count: 100, seed: 0 });
const gray = toGrayscale(patches.images);
console.log(patches.count, patches.sampleShape, gray.length / (32 * 32));

function meanAbsDiff(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
