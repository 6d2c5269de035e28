/**
 * Tabular one-class anomaly benchmark on scikit-learn's breast-cancer data (malignant = anomaly): for each
 * seed, train on 60% of the benign rows, score the other benign rows and all malignant ones with a dense AE,
 * PCA reconstruction error and kNN distance (bench/tabular-setup.ts). Writes docs/tabular-anomaly.md.
 *
 * Run from the repo root: pnpm --filter @aekit/tools bench:tabular [--seeds 0,1,2,3,4] [--device wasm]
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setLogger } from '@aekit/core';
import { type DetectorResult, type TabularAnomalyResult, tabularAnomaly } from '@aekit/eval/anomaly';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { breastCancerOptions, breastCancerTable, TABULAR_AE } from './tabular-setup.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SEEDS = arg('seeds', '0,1,2,3,4').split(',').map(Number);
const DEVICE = arg('device', 'wasm') as 'wasm' | 'js' | 'cpu' | 'auto';
const OUT = arg('out', fileURLToPath(new URL('../../docs/tabular-anomaly.md', import.meta.url)));

setLogger({ info() {}, warn: (m: string) => console.warn(m) });
const backend = createTfjsBackend({ device: DEVICE });
await backend.init();
const table = breastCancerTable();
const options = breastCancerOptions(backend);

const METHODS = [
  ['autoencoder', `dense AE (30-${TABULAR_AE.hidden.join('-')}-${TABULAR_AE.latentDim})`],
  ['pca', `PCA (${TABULAR_AE.latentDim})`],
  ['knn', 'kNN (k=5)'],
] as const;
type Method = (typeof METHODS)[number][0];
const METRICS = [
  ['auroc', 'AUROC'],
  ['prAuc', 'PR-AUC'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['falsePositiveRate', 'FPR (benign)'],
] as const;

const started = Date.now();
const runs: TabularAnomalyResult[] = [];
for (const seed of SEEDS) {
  const r = await tabularAnomaly(table, { ...options, seed });
  runs.push(r);
  console.log(
    `seed ${seed}`,
    METHODS.map(([m]) => `${m} ${r[m]?.auroc.toFixed(4)}`).join(', '),
    `${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

const result = (r: TabularAnomalyResult, m: Method): DetectorResult => {
  const d = r[m];
  if (d === undefined) throw new Error(`no ${m} result`);
  return d;
};
function meanStd(values: number[]): string {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return `${mean.toFixed(3)} ± ${Math.sqrt(variance).toFixed(3)}`;
}
const summary = METHODS.map(
  ([m, label]) =>
    `| ${label} | ${METRICS.map(([k]) => meanStd(runs.map((r) => result(r, m)[k]))).join(' | ')} |`,
);
const perSeed = METHODS.map(
  ([m, label]) => `| ${label} | ${runs.map((r) => result(r, m).auroc.toFixed(3)).join(' | ')} |`,
);
const [first] = runs;
const trainRows = first?.split.train.length ?? 0;
const testRows = first?.split.test.length ?? 0;
const anomalies = first?.truth.reduce((s, v) => s + v, 0) ?? 0;
const md = `# Tabular anomaly detection: breast cancer

scikit-learn's Wisconsin diagnostic breast-cancer data (569 rows, 30 features) with the **malignant** rows as the
anomalies. Per seed: train on ${trainRows} of the 357 benign rows (60%, seeded), test on the other
${testRows - anomalies} benign rows and all ${anomalies} malignant ones (\`oneClassSplit\`); features min-max
scaled to [0, 1] with the training rows' statistics only; \`tabularAnomaly\` of \`@aekit/eval/anomaly\`. Produced by
\`pnpm --filter @aekit/tools bench:tabular\` (\`tools/bench/tabular.ts\`, setup in
\`tools/bench/tabular-setup.ts\`) with \`--seeds ${SEEDS.join(',')}\` on the tfjs \`${backend.describe()}\` device.

- **dense AE**: \`deepAutoencoder({ inputShape: [30], hidden: [${TABULAR_AE.hidden.join(', ')}], latentDim: ${TABULAR_AE.latentDim}, latentActivation: 'linear', loss: 'mse' })\`
  (ReLU hidden layers, sigmoid output), Adam lr ${TABULAR_AE.learningRate}, batch ${TABULAR_AE.batchSize}, ${TABULAR_AE.epochs} epochs, seeded as the split; score = mean squared reconstruction error.
- **PCA (${TABULAR_AE.latentDim})**: as many components as the AE's code, fitted on the training rows; score = reconstruction MSE.
- **kNN (k=5)**: Euclidean distance to the 5th nearest training row.
- **precision / recall / FPR**: at the 95th percentile of each detector's training scores (kNN: leave-one-out
  distances); FPR = share of the held-out benign rows flagged (5% on the training rows by construction).

Mean ± sample standard deviation over ${runs.length} seeds (chance: AUROC 0.5, PR-AUC ${(anomalies / testRows).toFixed(3)}):

| method | ${METRICS.map(([, label]) => label).join(' | ')} |
|---|${METRICS.map(() => '---:').join('|')}|
${summary.join('\n')}

AUROC per seed:

| method | ${SEEDS.map((s) => `seed ${s}`).join(' | ')} |
|---|${SEEDS.map(() => '---:').join('|')}|
${perSeed.join('\n')}

PCA and kNN agree with scikit-learn (\`MinMaxScaler\`, \`PCA(svd_solver='full')\`, \`NearestNeighbors\`,
\`roc_auc_score\`, \`average_precision_score\`) on the same splits; the test pins seed 0
(\`packages/eval/scripts/reference-values.py\`). Total ${((Date.now() - started) / 1000).toFixed(0)} s on a shared 2-core machine.
`;
await writeFile(OUT, md);
console.log(`wrote ${OUT}`);
