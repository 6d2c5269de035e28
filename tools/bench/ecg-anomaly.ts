/**
 * Time-series anomaly benchmark on the ECG record (SciPy's electrocardiogram: MIT-BIH record 208, 5 min at
 * 360 Hz): beats labelled from the signal itself by bench/ecg_beats.py (R peaks by scipy.signal.find_peaks;
 * anomalous = a wide QRS or a premature beat), one window of 192 steps around each R peak, the normal beats of
 * the first 60% of the record to train on, every beat of the last 40% to test. Detectors on the same windows: a
 * conv1d autoencoder and a dense one (@aekit/models, 5 seeds each), PCA reconstruction error and kNN distance.
 * Writes docs/series-anomaly.md and the labelled beats' picture docs/images/ecg-beats.png.
 *
 * Run from the repo root: pnpm --filter @aekit/tools bench:ecg-anomaly [--seeds 0,1,2,3,4] [--device wasm]
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setLogger, type TrainableModel } from '@aekit/core';
import { loadEcg } from '@aekit/datasets';
import { ReconstructionDetector, thresholdFor } from '@aekit/eval/anomaly';
import { KnnDetector, Pca } from '@aekit/eval/baselines';
import { prAuc, rocAuc } from '@aekit/eval/metrics';
import { conv1dAutoencoder, deepAutoencoder } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SEEDS = arg('seeds', '0,1,2,3,4').split(',').map(Number);
const DEVICE = arg('device', 'wasm') as 'wasm' | 'js' | 'cpu' | 'auto';
const OUT = arg('out', fileURLToPath(new URL('../../docs/series-anomaly.md', import.meta.url)));
const PLOT = arg('plot', fileURLToPath(new URL('../../docs/images/ecg-beats.png', import.meta.url)));
const BEATS = fileURLToPath(new URL('./ecg_beats.py', import.meta.url));

/** A window: BEFORE steps before the R peak, AFTER from it on (192 = 0.53 s; a multiple of 4 for conv1d). */
const BEFORE = 64;
const AFTER = 128;
const WINDOW = BEFORE + AFTER;
const TRAIN_SHARE = 0.6;
const CODE = 16;
const K = 5;
const PERCENTILE = 95;
const TRAINING = { epochs: 100, batchSize: 32, learningRate: 3e-3 };

setLogger({ info() {}, warn: (m: string) => console.warn(m) });
const started = Date.now();
const ecg = loadEcg();

interface Beats {
  params: Record<string, unknown>;
  count: number;
  baseline: number[];
  peaks: number[];
  widths: number[];
  medianWidth: number;
  medianRr: number;
  wide: number[];
  premature: number[];
}
const beats = JSON.parse(
  execFileSync('/usr/bin/python3', [BEATS, ecg.source.path, PLOT], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }),
) as Beats;
if (beats.count !== ecg.count)
  throw new Error(`ecg_beats.py read ${beats.count} samples, loadEcg ${ecg.count}`);
const signal = Float32Array.from(ecg.signal, (v, i) => v - (beats.baseline[i] as number));

// Windows around each R peak that fits whole; the training part holds only normal beats whose window ends
// before the cut, the test part every beat whose window starts after it (no step in both).
const cut = Math.round(TRAIN_SHARE * ecg.count);
const kinds = beats.peaks.map((_, i) =>
  beats.wide[i] === 1
    ? beats.premature[i] === 1
      ? 'both'
      : 'wide'
    : beats.premature[i] === 1
      ? 'premature'
      : 'normal',
);
const trainBeats: number[] = [];
const testBeats: number[] = [];
beats.peaks.forEach((r, i) => {
  if (r - BEFORE < 0 || r + AFTER > ecg.count) return;
  if (r + AFTER <= cut && kinds[i] === 'normal') trainBeats.push(i);
  else if (r - BEFORE >= cut) testBeats.push(i);
});
const windowsOf = (idx: number[]): Float32Array => {
  const out = new Float32Array(idx.length * WINDOW);
  idx.forEach((b, n) => {
    const r = beats.peaks[b] as number;
    out.set(signal.subarray(r - BEFORE, r + AFTER), n * WINDOW);
  });
  return out;
};
// z-score with the training windows' mean and standard deviation (one pair for the whole series).
const rawTrain = windowsOf(trainBeats);
const mean = rawTrain.reduce((s, v) => s + v, 0) / rawTrain.length;
const std = Math.sqrt(rawTrain.reduce((s, v) => s + (v - mean) ** 2, 0) / rawTrain.length);
const scale = (x: Float32Array) => x.map((v) => (v - mean) / std);
const train = scale(rawTrain);
const test = scale(windowsOf(testBeats));
const testKinds = testBeats.map((b) => kinds[b] as string);
const truth = Uint8Array.from(testKinds, (k) => (k === 'normal' ? 0 : 1));
const count = (k: string, list: string[]) => list.filter((x) => x === k).length;
console.log(
  `${beats.peaks.length} beats (${count('wide', kinds)} wide, ${count('premature', kinds)} premature, ${count('both', kinds)} both); train ${trainBeats.length} normal windows, test ${testBeats.length} (${truth.reduce((s, v) => s + v, 0)} anomalous)`,
);

interface Row {
  auroc: number;
  prAuc: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
}
function judge(scores: Float64Array, trainScores: ArrayLike<number>): Row {
  const threshold = thresholdFor(trainScores, { percentile: PERCENTILE });
  let tp = 0;
  let fp = 0;
  let anomalies = 0;
  truth.forEach((t, i) => {
    const flag = (scores[i] as number) > threshold;
    if (t === 1) {
      anomalies++;
      if (flag) tp++;
    } else if (flag) fp++;
  });
  return {
    auroc: rocAuc(truth, scores),
    prAuc: prAuc(truth, scores),
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp / anomalies,
    falsePositiveRate: fp / (truth.length - anomalies),
  };
}
async function reconstructionRow(model: {
  reconstruct(x: Float32Array): Promise<Float32Array> | Float32Array;
}) {
  const detector = await new ReconstructionDetector(model, { featureSize: WINDOW }).fit(train);
  return judge(await detector.score(test), detector.trainScores);
}

const backend = createTfjsBackend({ device: DEVICE });
await backend.init();
const AES = [
  {
    name: 'conv1d',
    label: `conv1d AE (filters 16, 32, kernel 7, code ${CODE})`,
    spec: () => conv1dAutoencoder({ timesteps: WINDOW, features: 1, latentDim: CODE }),
  },
  {
    name: 'dense',
    label: `dense AE (${WINDOW}-64-${CODE}, linear code and output)`,
    spec: () =>
      deepAutoencoder({
        inputShape: [WINDOW, 1],
        hidden: [64],
        latentDim: CODE,
        latentActivation: 'linear',
        outputActivation: 'linear',
        loss: 'mse',
      }),
  },
] as const;
const aeRows = new Map<string, Row[]>();
const aeLoss = new Map<string, number[]>();
for (const ae of AES) {
  for (const seed of SEEDS) {
    const model: TrainableModel = await backend.createModel(ae.spec(), { seed });
    try {
      const { history } = await model.fit({ x: train }, { ...TRAINING, seed });
      const row = await reconstructionRow(model);
      aeRows.set(ae.name, [...(aeRows.get(ae.name) ?? []), row]);
      aeLoss.set(ae.name, [...(aeLoss.get(ae.name) ?? []), history.at(-1)?.loss ?? Number.NaN]);
      console.log(
        `${ae.name} seed ${seed}: AUROC ${row.auroc.toFixed(4)} ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    } finally {
      model.dispose();
    }
  }
}
const pcaRow = await reconstructionRow(Pca.fit(train, WINDOW, { components: CODE }));
const knn = new KnnDetector(WINDOW, { k: K }).fit(train);
const knnRow = judge(knn.score(test), knn.leaveOneOutScores());
console.log(`PCA(${CODE}) AUROC ${pcaRow.auroc.toFixed(4)}, kNN AUROC ${knnRow.auroc.toFixed(4)}`);

const METRICS = [
  ['auroc', 'AUROC'],
  ['prAuc', 'PR-AUC'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['falsePositiveRate', 'FPR (normal)'],
] as const;
function meanStd(values: number[]): string {
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length === 1) return m.toFixed(3);
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  return `${m.toFixed(3)} ± ${Math.sqrt(variance).toFixed(3)}`;
}
const rowLine = (label: string, rows: Row[]) =>
  `| ${label} | ${METRICS.map(([k]) => meanStd(rows.map((r) => r[k]))).join(' | ')} |`;
const table = [
  ...AES.map((ae) => rowLine(ae.label, aeRows.get(ae.name) ?? [])),
  rowLine(`PCA (${CODE})`, [pcaRow]),
  rowLine(`kNN (k=${K})`, [knnRow]),
];
const perSeed = AES.map(
  (ae) => `| ${ae.label} | ${(aeRows.get(ae.name) ?? []).map((r) => r.auroc.toFixed(3)).join(' | ')} |`,
);
const testAnomalies = truth.reduce((s, v) => s + v, 0);
const p = beats.params as {
  baselineKernels: number[];
  distance: number;
  prominence: number;
  relHeight: number;
  wideFactor: number;
  prematureFactor: number;
  neighbours: number;
};
const ms = (steps: number) => `${Math.round((1000 * steps) / ecg.samplingRate)} ms`;
const md = `# Time-series anomaly detection: the ECG record

The record: SciPy's \`electrocardiogram()\` (\`loadEcg\` of \`@aekit/datasets\`), the first 5 minutes of lead MLII of
record 208 of the MIT-BIH Arrhythmia Database, ${ecg.count.toLocaleString('en-US')} samples at ${ecg.samplingRate} Hz. Record 208 has many
premature ventricular beats, but its annotations do not ship offline, so the beats are labelled from the signal
itself, by \`tools/bench/ecg_beats.py\` (SciPy ${'`scipy.signal`'}), with these parameters:

1. **Baseline**: \`medfilt(medfilt(x, ${p.baselineKernels[0]}), ${p.baselineKernels[1]})\` (${ms(p.baselineKernels[0] as number)} then ${ms(p.baselineKernels[1] as number)} median filters); the signal is \`x - baseline\`.
2. **R peaks**: \`find_peaks(signal, distance=${p.distance}, prominence=${p.prominence})\` (at least ${ms(p.distance)} apart, ${p.prominence} mV prominence): ${beats.peaks.length} beats, median R-R ${beats.medianRr} steps (${ms(beats.medianRr)}).
3. **Wide**: QRS width at half prominence (\`peak_widths(signal, peaks, rel_height=${p.relHeight})\`) over ${p.wideFactor} x the record's median width (${beats.medianWidth.toFixed(1)} steps, ${ms(beats.medianWidth)}): ${count('wide', kinds) + count('both', kinds)} beats.
4. **Premature**: the R-R interval before the beat under ${p.prematureFactor} x the median of its neighbouring R-R intervals (up to ${p.neighbours} before and ${p.neighbours} after, its own left out): ${count('premature', kinds) + count('both', kinds)} beats (${count('both', kinds)} of them also wide).
5. **Anomalous** = wide or premature: ${beats.peaks.length - count('normal', kinds)} of the ${beats.peaks.length} beats.

![Record 208: a strip with the R peaks by label, then six normal, six wide and six premature beats (the windows the detectors see)](images/ecg-beats.png)

The check of the labels (the picture above, drawn by the same script): the wide beats are the broad ventricular
complexes of record 208; the premature ones mix premature wide beats with a few narrow spikes in noisy stretches
(e.g. 19.9 s, 59.0 s): the definition flags timing, whatever caused it.

**Protocol**: one window of ${WINDOW} steps (${ms(WINDOW)}) per beat, ${BEFORE} steps before its R peak and ${AFTER} from it on; the first
${TRAIN_SHARE * 100}% of the record (${(cut / ecg.samplingRate).toFixed(0)} s) trains: its ${trainBeats.length} normal beats; the last ${Math.round((1 - TRAIN_SHARE) * 100)}% tests: all its ${testBeats.length} beats
(${testAnomalies} anomalous: ${count('wide', testKinds)} wide, ${count('premature', testKinds)} premature, ${count('both', testKinds)} both); no step is in both parts.${count('premature', testKinds) === 0 ? ` No beat of the test part is premature without being wide (the ${count('premature', kinds)} such beats of the record all fall in its first part, left out of training), so the table measures the detection of wide beats.` : ''} Values z-scored with the training
windows' mean and standard deviation (one pair). Produced by \`pnpm --filter @aekit/tools bench:ecg-anomaly\`
(\`tools/bench/ecg-anomaly.ts\`) with \`--seeds ${SEEDS.join(',')}\` on the tfjs \`${backend.describe()}\` device.

- **conv1d AE**: \`conv1dAutoencoder({ timesteps: ${WINDOW}, features: 1, latentDim: ${CODE} })\` of \`@aekit/models\` (two stride-2
  Conv1D layers, a dense code, linear output); **dense AE**: \`deepAutoencoder({ inputShape: [${WINDOW}, 1], hidden: [64], latentDim: ${CODE}, latentActivation: 'linear', outputActivation: 'linear', loss: 'mse' })\`.
  Both: Adam lr ${TRAINING.learningRate}, batch ${TRAINING.batchSize}, ${TRAINING.epochs} epochs, seeded; score = the window's mean squared reconstruction error.
- **PCA (${CODE})**: as many components as the AEs' code, fitted on the training windows; score = reconstruction MSE.
- **kNN (k=${K})**: Euclidean distance to the ${K}th nearest training window.
- **precision / recall / FPR**: at the ${PERCENTILE}th percentile of each detector's training scores (kNN: leave-one-out).

AEs: mean ± sample standard deviation over ${SEEDS.length} seed${SEEDS.length === 1 ? '' : 's'}; PCA and kNN are deterministic (chance: AUROC 0.5,
PR-AUC ${(testAnomalies / testBeats.length).toFixed(3)}):

| method | ${METRICS.map(([, label]) => label).join(' | ')} |
|---|${METRICS.map(() => '---:').join('|')}|
${table.join('\n')}

AUROC per seed:

| method | ${SEEDS.map((s) => `seed ${s}`).join(' | ')} |
|---|${SEEDS.map(() => '---:').join('|')}|
${perSeed.join('\n')}

Final training loss (z-score units, mean over seeds): ${AES.map((ae) => `${ae.name} ${((aeLoss.get(ae.name) ?? []).reduce((s, v) => s + v, 0) / SEEDS.length).toFixed(4)}`).join(', ')}.
Total ${((Date.now() - started) / 1000).toFixed(0)} s on a shared 2-core machine.
`;
await writeFile(OUT, md);
console.log(`wrote ${OUT} and ${PLOT}`);
