import { readFile } from 'node:fs/promises';
import {
  AekitError,
  DataError,
  DEVICE_NAMES,
  type Device,
  formatShape,
  ShapeMismatchError,
  shapeSize,
  shapesEqual,
} from '@aekit/core';
import {
  type DatasetName,
  loadDataset,
  MISSING_POLICIES,
  type MissingPolicy,
  readIdx,
} from '@aekit/datasets';
import { createSession, modelParity } from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { applyMissingFill, checkpointMissingFill, chooseMissing } from '../missing-fill.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';
import { checkpointSeriesOptions, loadSamples } from '../series-data.js';
import { checkpointTableOptions, deviceOption, loadCheckpointModel } from './checkpoint-model.js';

/** Files compare reads with `loadUserData` (raw values, as `aekit train --data` does). */
const DATA_FILE = /\.(csv|tsv|npy|npz)$/i;

interface CompareOptions {
  checkpoint: string;
  /** A table's gaps; default: the run's own policy (`mean`: its training means). */
  missing?: MissingPolicy;
  /** Leave out a table's bad rows (as the run did when it was trained with --skip-bad). */
  skipBad?: boolean;
  model: string;
  input?: string;
  limit: number;
  device: Device;
  ortDevice: Device;
  tolerance: number;
}

/** Images of an IDX (.gz) file as [n, h, w, 1] in [0, 1]. */
async function readImages(file: string, limit: number): Promise<{ x: Float32Array; n: number }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `--input ${file}: cannot read it (${(cause as Error).message})`, {
      cause,
    });
  }
  const idx = readIdx(bytes, file);
  const n = Math.min(limit, idx.dims[0] ?? 0);
  const size = shapeSize(idx.dims.slice(1));
  const x = new Float32Array(n * size);
  for (let i = 0; i < x.length; i++) x[i] = idx.data[i]! / 255;
  return { x, n };
}

/**
 * `aekit compare`: the reconstructions of an exported full ONNX model (ONNX Runtime) against those of the
 * checkpoint it came from (tfjs), on real images; prints the largest and mean absolute difference.
 */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('check that an exported ONNX model reconstructs images as its tfjs checkpoint does')
    .requiredOption('--checkpoint <dir>', 'checkpoint directory written by "aekit train"')
    .requiredOption(
      '--model <file>',
      'the full-model .onnx file exported from it ("aekit export --part full")',
    )
    .addOption(
      new Option(
        '--input <file>',
        "IDX (.gz) image file, or raw samples as \"aekit train --data\" reads them (.csv/.tsv with the run's columns, .npy, .npz; a series run's windows) (default: the test split of the training dataset, or the run's --data file)",
      ),
    )
    .option('--limit <n>', 'images to compare', intOption('--limit', 1), 1000)
    .addOption(
      new Option(
        '--missing <policy>',
        "a table's cells without a value: error, drop-rows, mean (the run's training means) or zero (default: the policy the run was trained with)",
      ).argParser(choiceOption('--missing', MISSING_POLICIES)),
    )
    .option(
      '--skip-bad',
      "leave out a table's ragged rows and rows with text in a numeric column (default: as the run did)",
    )
    .addOption(deviceOption())
    .addOption(
      new Option('--ort-device <device>', `ONNX Runtime device: ${DEVICE_NAMES.join(', ')}`)
        .argParser(choiceOption('--ort-device', DEVICE_NAMES))
        .default('cpu'),
    )
    .option(
      '--tolerance <t>',
      'largest allowed max |diff|',
      numberOption('--tolerance', 0, Number.POSITIVE_INFINITY, { exclusiveMin: true }),
      1e-4,
    )
    .action(async (options: CompareOptions) => {
      const io = getIo();
      const { model, meta } = await loadCheckpointModel(options.checkpoint, options.device);
      const session = await createSession(options.model, { device: options.ortDevice });
      try {
        if (session.info?.part !== 'full') {
          throw new AekitError(
            'MODEL_INVALID',
            `--model ${options.model} is a "${session.info?.part ?? 'non-aekit'}" export; compare needs the full model: aekit export --checkpoint ${options.checkpoint} --part full`,
          );
        }
        const modelShape = session.info.inputShape;
        if (!shapesEqual(modelShape, model.spec.inputShape)) {
          throw new ShapeMismatchError(
            `--model ${options.model} ("${session.info.name}") takes inputs of shape ${formatShape(modelShape)} but the checkpoint ${options.checkpoint} ("${model.spec.name}") takes ${formatShape(model.spec.inputShape)}: they are not the same model; export this checkpoint and compare that: aekit export --checkpoint ${options.checkpoint} --part full --out model.onnx`,
            model.spec.inputShape,
            modelShape,
            { details: { model: options.model, checkpoint: options.checkpoint } },
          );
        }
        let x: Float32Array;
        let n: number;
        let what: string;
        const dataFile =
          options.input !== undefined && DATA_FILE.test(options.input)
            ? options.input
            : options.input === undefined && typeof meta.data === 'string'
              ? meta.data
              : undefined;
        if (dataFile !== undefined) {
          // Raw values: the checkpoint side applies the model's scaler as the ONNX graph does.
          // A series run's windows are cut as it cut them (--window, --stride).
          // Gaps as the run filled them (its training means under --missing mean), or as --missing says.
          const missing = chooseMissing(options.missing, checkpointMissingFill(meta), options.checkpoint);
          const o = (meta.options ?? {}) as Record<string, unknown>;
          const d = await loadSamples(
            dataFile,
            {
              ...checkpointTableOptions(meta),
              missing: missing.policy,
              ...((options.skipBad || o.skipBad === true) && { skipBad: true }),
            },
            checkpointSeriesOptions(meta),
            options.input ? '--input' : "the run's --data",
          );
          n = Math.min(options.limit, d.count);
          x = applyMissingFill(d.x, d.sampleShape.at(-1)!, missing, dataFile).subarray(
            0,
            n * shapeSize(d.sampleShape),
          );
          what = `raw samples of ${dataFile}`;
        } else if (options.input !== undefined) {
          ({ x, n } = await readImages(options.input, options.limit));
          what = `images of ${options.input}`;
        } else {
          const name = String(meta.dataset ?? 'fashion-mnist') as DatasetName;
          const test = await loadDataset(name, { split: 'test', limit: options.limit });
          x = test.images;
          n = test.count;
          what = `images of ${name} test`;
        }
        const inputShape = model.spec.inputShape;
        if (x.length !== n * shapeSize(inputShape)) {
          throw new DataError(
            'DATA_INVALID',
            `${what}: samples of ${x.length / Math.max(n, 1)} values do not fit the model input ${formatShape(inputShape)}; pass samples of that shape`,
          );
        }
        const { maxAbsDiff: max, meanAbsDiff: mean, units } = await modelParity(model, session, x);
        const agree = max <= options.tolerance;
        io.out(
          `ONNX Runtime (${session.runtime}:${session.executionProviders.join('+')}) vs tfjs (${(model as { device?: string }).device ?? model.backendName}) ` +
            `on ${n} ${what}: max |diff| ${max.toExponential(2)}, mean |diff| ${mean.toExponential(2)}${units === 'scaled' ? ' in scaled units' : ''} ` +
            `(tolerance ${options.tolerance}): ${agree ? 'agree' : 'DIFFER'}`,
        );
        if (!agree) {
          throw new AekitError(
            'PARITY_FAILED',
            `the ONNX model's reconstructions differ from the checkpoint's by up to ${max.toExponential(2)} (> ${options.tolerance}); re-export it from this checkpoint, or raise --tolerance on a GPU`,
            { details: { max, mean, tolerance: options.tolerance } },
          );
        }
      } finally {
        model.dispose();
        await session.dispose();
      }
    });
}
