import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AekitError, createRng, DataError, type Device, OptionError, shapeSize } from '@aekit/core';
import { METRICS_LOG } from '@aekit/core/node';
import { type DatasetName, loadDataset } from '@aekit/datasets';
import { ReconstructionDetector } from '@aekit/eval/anomaly';
import { type ImageShape, prAuc, rocAuc } from '@aekit/eval/metrics';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';
import { deviceOption, loadCheckpointModel } from './checkpoint-model.js';
import { evaluateOwnData } from './eval-data.js';

interface EvalOptions {
  checkpoint: string;
  report: string;
  trainLimit: number;
  testLimit: number;
  projection: 'umap' | 'pca';
  noise: number;
  dataDir?: string;
  device: Device;
  /** Options given on the command line (not left at their default): a `--data` run applies only these limits. */
  given?: string[];
}

/** `x` with Gaussian noise of standard deviation `sigma` added, clipped to [0, 1]: synthetic anomalies. */
function noisy(x: Float32Array, sigma: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return x.map((v) => Math.min(1, Math.max(0, v + sigma * rng.normal())));
}

/**
 * Evaluates a trained checkpoint on its dataset against a PCA baseline (reconstruction metrics, linear probe,
 * retrieval, rate/quality, reconstruction-error anomaly scores of clean vs noisy test images) and writes an
 * offline HTML report.
 */
export async function runEval(options: EvalOptions): Promise<string> {
  try {
    return await evaluate(options);
  } catch (error) {
    // The metrics name the values; say which checkpoint produced them.
    if (AekitError.isInstance(error) && error.details.nonFinite !== undefined) {
      throw new DataError('DATA_INVALID', `checkpoint ${options.checkpoint}: ${error.message}`, {
        cause: error,
        details: error.details,
      });
    }
    throw error;
  }
}

async function evaluate(options: EvalOptions): Promise<string> {
  const io = getIo();
  // Loaded here, not at the top: the report entry brings the plotting stack (vega, resvg), which no other
  // command needs at startup.
  const { evaluateAutoencoder, evaluationReport, writeReport } = await import('@aekit/eval/report');
  const { model, meta } = await loadCheckpointModel(options.checkpoint, options.device);
  try {
    // A run of "aekit train --data" (a table, an array, a series, images) is scored on its own test part.
    if (typeof meta.data === 'string') {
      return await evaluateOwnData(model, meta, options.checkpoint, options.report, {
        ...(options.given?.includes('trainLimit') && { trainLimit: options.trainLimit }),
        ...(options.given?.includes('testLimit') && { testLimit: options.testLimit }),
      });
    }
    const { spec } = model;
    const dataset = (typeof meta.dataset === 'string' ? meta.dataset : 'fashion-mnist') as DatasetName;
    const load = options.dataDir ? { dir: options.dataDir } : {};
    const train = await loadDataset(dataset, { ...load, split: 'train', limit: options.trainLimit });
    const test = await loadDataset(dataset, { ...load, split: 'test', limit: options.testLimit });
    const shape = test.sampleShape as ImageShape;
    const size = shapeSize(shape);
    if (size !== shapeSize(spec.inputShape)) {
      throw new OptionError(
        `the model takes [${spec.inputShape.join(', ')}] but ${dataset} images are [${shape.join(', ')}]; evaluate it on the dataset it was trained on`,
        { details: { expected: spec.inputShape, actual: shape } },
      );
    }
    io.out(
      `evaluating ${spec.name} from ${options.checkpoint} on ${test.count} ${dataset} test images (probe trained on ${train.count})`,
    );
    const result = await evaluateAutoencoder(model, train, test, shape, { projection: options.projection });
    const detector = await new ReconstructionDetector(model, { featureSize: size }).fit(train.images);
    const normal = await detector.score(test.images);
    const anomalous = await detector.score(noisy(test.images, options.noise, 1));
    const labels = [...Array.from(normal, () => 0), ...Array.from(anomalous, () => 1)];
    const scores = [...normal, ...anomalous];
    const report = evaluationReport(result, test.classNames);
    const { reconstruction, reduction } = spec.loss;
    const device = (model as { device?: string }).device ?? options.device;
    const path = await writeReport(options.report, {
      title: `${spec.name} on ${dataset}`,
      run: {
        model: spec.name,
        dataset,
        ...(typeof (model as { epoch?: number }).epoch === 'number' && {
          epochs: (model as { epoch?: number }).epoch,
        }),
        trainImages: train.count,
        testImages: test.count,
        device: `${device} (evaluation)`,
        extra: { checkpoint: options.checkpoint },
      },
      ...(existsSync(join(options.checkpoint, METRICS_LOG))
        ? { metrics: { runDir: options.checkpoint } }
        : {}),
      lossName: `loss (${reconstruction.toUpperCase()}, ${reduction === 'sum' ? 'summed over each image' : 'mean per value'}${spec.latent.type === 'gaussian' ? ' + KL' : ''})`,
      ...report,
      anomaly: {
        normal,
        anomalous,
        threshold: detector.threshold,
        scoreName: 'anomaly score: reconstruction MSE per image',
        table: {
          title: 'Anomaly detection: clean vs noisy test images',
          columns: ['score', 'AUROC', 'AUPRC', 'threshold (95th pct. of train)'],
          rows: [['reconstruction MSE', rocAuc(labels, scores), prAuc(labels, scores), detector.threshold]],
          note: `Anomalies: the test images with Gaussian noise of sigma ${options.noise} added (clipped to [0, 1]). The dashed line is the threshold.`,
        },
      },
    });
    for (const r of result.rows) {
      io.out(
        `${r.name.padEnd(12)} PSNR ${r.psnr.toFixed(2)} dB  SSIM ${r.ssim.toFixed(3)}  probe ${(100 * r.probeAccuracy).toFixed(1)}%  precision@${result.k} ${(100 * r.precisionAtK).toFixed(1)}%`,
      );
    }
    io.out(`report -> ${path}`);
    return path;
  } finally {
    model.dispose();
  }
}

/** `aekit eval --checkpoint runs/x --report out/`. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate a trained checkpoint against PCA and write an offline HTML report')
    .requiredOption('--checkpoint <dir>', 'run directory of "aekit train"')
    .option('--report <dir>', 'directory to write index.html (and latent.svg/png) into', 'report')
    .option(
      '--train-limit <n>',
      "training images for the probe and PCA (a --data run: its training samples for the baselines, by default as many as the run's --limit kept)",
      intOption('--train-limit', 20),
      2000,
    )
    .option(
      '--test-limit <n>',
      "test images to evaluate on (a --data run: by default its test samples as the run's --test-limit kept)",
      intOption('--test-limit', 20),
      1000,
    )
    .addOption(
      new Option('--projection <method>', 'latent map: umap or pca')
        .argParser(choiceOption('--projection', ['umap', 'pca'] as const))
        .default('umap'),
    )
    .option(
      '--noise <sigma>',
      'noise of the synthetic anomalies',
      numberOption('--noise', 0, 1, { exclusiveMin: true }),
      0.3,
    )
    .option('--data-dir <dir>', 'directory holding the dataset files (default: as aekit train)')
    .addOption(deviceOption())
    .action(async (options: EvalOptions, cmd: Command) => {
      const given = ['trainLimit', 'testLimit'].filter((k) => cmd.getOptionValueSource(k) === 'cli');
      await runEval({ ...options, given });
    });
}
