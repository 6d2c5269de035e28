/**
 * One-class anomaly benchmark on Fashion-MNIST: for each class, train on N images of that class only,
 * score all 10,000 test images (anomaly = any other class) and report AUROC per class and mean, for a
 * convolutional AE, a VAE, PCA reconstruction error and kNN distance. Writes docs/one-class.md.
 *
 * Run from the repo root: pnpm --filter @aekit/tools bench:one-class [--train 1000] [--epochs 3] [--classes 0,1]
 * Split over processes: `--classes 0,1,2,3,4 --results a.json` and `--classes 5,6,7,8,9 --results b.json`,
 * then `--merge a.json,b.json` writes the table of both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Autoencoder, setLogger } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { ReconstructionDetector } from '@aekit/eval/anomaly';
import { KnnDetector, Pca } from '@aekit/eval/baselines';
import { rocAuc } from '@aekit/eval/metrics';
import { convAutoencoder, vae } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const TRAIN = Number(arg('train', '1000'));
const EPOCHS = Number(arg('epochs', '3'));
const RESULTS = arg('results', '');
const MERGE = arg('merge', '');
const CLASSES = arg('classes', '0,1,2,3,4,5,6,7,8,9').split(',').map(Number);
const DEVICE = arg('device', 'wasm') as 'wasm' | 'js' | 'cpu' | 'auto';
const OUT = arg('out', fileURLToPath(new URL('../../docs/one-class.md', import.meta.url)));
const D = 784;

setLogger({ info() {}, warn: (m: string) => console.warn(m) });
const train = await loadDataset('fashion-mnist', {
  split: MERGE ? 'test' : 'train',
  limit: MERGE ? 1 : undefined,
});
const test = await loadDataset('fashion-mnist', { split: 'test' });
const backend = createTfjsBackend({ device: DEVICE });
await backend.init();

type Method = 'conv AE' | 'VAE' | 'PCA (16)' | 'kNN (k=5)';
const METHODS: Method[] = ['conv AE', 'VAE', 'PCA (16)', 'kNN (k=5)'];
const results = new Map<number, Partial<Record<Method, number>>>();
const seconds: Record<Method, number> = { 'conv AE': 0, VAE: 0, 'PCA (16)': 0, 'kNN (k=5)': 0 };

function classImages(c: number): Float32Array {
  const out = new Float32Array(TRAIN * D);
  let k = 0;
  for (let i = 0; i < train.count && k < TRAIN; i++) {
    if (train.labels[i] === c) out.set(train.images.subarray(i * D, (i + 1) * D), D * k++);
  }
  return out.subarray(0, k * D);
}

async function aeScores(model: Autoencoder): Promise<Float64Array> {
  return new ReconstructionDetector(model, { featureSize: D, batchSize: 500 }).score(test.images);
}

async function writeTable(started: number): Promise<void> {
  const fmt = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(3));
  const rows = [...results.entries()].map(
    ([c, r]) => `| ${c} ${test.classNames[c] ?? ''} | ${METHODS.map((m) => fmt(r[m])).join(' | ')} |`,
  );
  const means = METHODS.map((m) => {
    const v = [...results.values()].map((r) => r[m]).filter((x): x is number => x !== undefined);
    return v.length ? fmt(v.reduce((s, x) => s + x, 0) / v.length) : '–';
  });
  const md = `# One-class anomaly detection on Fashion-MNIST

Train on ${TRAIN} training images of one class, score all 10,000 test images (the other nine classes are the
anomalies, 90%), AUROC of the score. Produced by \`pnpm --filter @aekit/tools bench:one-class\`
(\`tools/bench/one-class.ts\`) with \`--train ${TRAIN} --epochs ${EPOCHS}\` on the tfjs \`${backend.describe()}\` device.

- **conv AE**: \`convAutoencoder()\` (Keras tutorial, 4x4x8 code), BCE, Adam lr 2e-3, batch 64, ${EPOCHS} epochs; score = per-image MSE.
- **VAE**: \`vae({ latentDim: 16, hiddenUnits: 256 })\` (dense), ${EPOCHS} epochs; score = MSE of the reconstruction through the mean code.
- **PCA (16)**: 16 components fitted on the same images (this package's \`Pca\`); score = reconstruction MSE.
- **kNN (k=5)**: Euclidean distance to the 5th nearest training image on raw pixels.

| class | ${METHODS.join(' | ')} |
|---|${METHODS.map(() => '---:').join('|')}|
${rows.join('\n')}
| **mean** | ${means.map((m) => `**${m}**`).join(' | ')} |

Seconds spent (train + score, all classes): ${METHODS.map((m) => `${m} ${seconds[m].toFixed(0)} s`).join(', ')};
total ${((Date.now() - started) / 1000).toFixed(0)} s on a shared 2-core machine. Small budget: a few epochs on
${TRAIN} images per class, so the AEs are far from converged; the ranking between methods may change with more training.

The same comparison on tabular data (scikit-learn's breast-cancer set, malignant rows as the anomalies):
[tabular-anomaly.md](tabular-anomaly.md).
`;
  await writeFile(OUT, md);
}

interface Saved {
  results: [number, Partial<Record<Method, number>>][];
  seconds: Record<Method, number>;
  elapsed: number;
}
let elapsedBefore = 0;
for (const file of MERGE ? MERGE.split(',') : RESULTS && existsSync(RESULTS) ? [RESULTS] : []) {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  for (const [c, r] of saved.results) results.set(c, r);
  for (const m of METHODS) seconds[m] += saved.seconds[m];
  elapsedBefore += saved.elapsed;
}
const started = Date.now() - elapsedBefore;
if (MERGE) {
  const sorted = [...results.entries()].sort((a, b) => a[0] - b[0]);
  results.clear();
  for (const [c, r] of sorted) results.set(c, r);
  await writeTable(started);
  console.log(`wrote ${OUT}`);
  process.exit(0);
}
const truthFor = (c: number): number[] => Array.from(test.labels, (l) => (l === c ? 0 : 1));
for (const c of CLASSES) {
  if (results.has(c)) continue;
  const x = classImages(c);
  const truth = truthFor(c);
  const r: Partial<Record<Method, number>> = {};
  results.set(c, r);
  let t = Date.now();
  for (const [method, spec] of [
    ['conv AE', convAutoencoder()],
    ['VAE', vae({ latentDim: 16, hiddenUnits: 256 })],
  ] as const) {
    t = Date.now();
    const model = await backend.createModel(spec, { seed: c + 1 });
    await model.fit({ x }, { epochs: EPOCHS, batchSize: 64, learningRate: 2e-3, seed: c + 1 });
    r[method] = rocAuc(truth, await aeScores(model));
    model.dispose();
    seconds[method] += (Date.now() - t) / 1000;
  }
  t = Date.now();
  const pca = Pca.fit(x, D, { components: 16 });
  r['PCA (16)'] = rocAuc(truth, await new ReconstructionDetector(pca, { featureSize: D }).score(test.images));
  seconds['PCA (16)'] += (Date.now() - t) / 1000;
  t = Date.now();
  r['kNN (k=5)'] = rocAuc(truth, new KnnDetector(D, { k: 5 }).fit(x).score(test.images));
  seconds['kNN (k=5)'] += (Date.now() - t) / 1000;
  console.log(`class ${c}`, JSON.stringify(r), `${((Date.now() - started) / 1000).toFixed(0)} s`);
  await writeTable(started);
  if (RESULTS) {
    const saved: Saved = { results: [...results.entries()], seconds, elapsed: Date.now() - started };
    await writeFile(RESULTS, JSON.stringify(saved));
  }
}
console.log(`wrote ${OUT}`);
