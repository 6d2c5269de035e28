import { join } from 'node:path';
import {
  AekitError,
  createRng,
  type Device,
  formatShape,
  OptionError,
  ShapeMismatchError,
  shapeSize,
  unscaleValues,
  withScaler,
} from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import {
  checkModelName,
  createSession,
  EXPORT_PARTS,
  type ExportPart,
  exportOnnx,
  modelParity,
  writeTritonRepository,
} from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { applyMissingFill, checkpointMissingFill, withMissingMetadata } from '../missing-fill.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';
import { loadUserData } from '../user-data.js';
import { checkpointTableOptions, deviceOption, loadCheckpointModel } from './checkpoint-model.js';
import { exportDetector } from './export-detector.js';

const FORMATS = ['onnx', 'triton'] as const;

interface ExportOptions {
  checkpoint?: string;
  detector?: string;
  part: ExportPart;
  format: (typeof FORMATS)[number];
  name?: string;
  version: number;
  maxBatch: number;
  storageUri?: string;
  out?: string;
  device: Device;
  paritySamples: number;
  tolerance: number;
  data?: string;
}

/** The first `count` raw samples of `--data` (read with the run's own data options), for the parity check. */
async function paritySamplesOf(
  file: string,
  meta: Record<string, unknown>,
  inputShape: readonly number[],
  count: number,
): Promise<Float32Array> {
  const data = await loadUserData(file, { ...checkpointTableOptions(meta), maxImages: count }, '--data');
  if (shapeSize(data.sampleShape) !== shapeSize(inputShape)) {
    throw new ShapeMismatchError(
      `--data ${file} holds samples of shape ${formatShape(data.sampleShape)}, but the checkpoint's model takes ${formatShape(inputShape)}; pass the data it was trained on`,
      [...inputShape],
      data.sampleShape,
    );
  }
  // Gaps (--missing mean) filled with the run's training means, as aekit run fills them.
  const missing = checkpointMissingFill(meta);
  const x = missing ? applyMissingFill(data.x, inputShape.at(-1)!, missing, file) : data.x;
  return x.subarray(0, Math.min(count, data.count) * shapeSize(inputShape));
}

/** Seed of the random inputs of the parity check: fixed, so every export is checked on the same inputs. */
const PARITY_SEED = 7;

/**
 * `aekit export`: a checkpoint's spec and weights to an ONNX file (encoder, decoder or full model). Before the
 * file is written, ONNX Runtime (CPU) runs the graph on random inputs and its outputs are compared with the
 * checkpoint's own model: an export that does not match is never written.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a trained checkpoint to ONNX (encoder, decoder or full model), checked against it')
    .option('--checkpoint <dir>', 'checkpoint directory written by "aekit train" (e.g. runs/conv)')
    .option(
      '--detector <file>',
      'export this detector file of "aekit detect fit" instead: raw input -> score, is_anomaly',
    )
    .addOption(
      new Option('--part <part>', `what to export: ${EXPORT_PARTS.join(', ')}`)
        .argParser(choiceOption('--part', EXPORT_PARTS))
        .default('full'),
    )
    .addOption(
      new Option('--format <format>', 'onnx: one .onnx file; triton: a Triton/KServe model repository')
        .argParser(choiceOption('--format', FORMATS))
        .default('onnx'),
    )
    .addOption(
      new Option(
        '--out <path>',
        'the .onnx file (default <checkpoint>/<part>.onnx), or the model repository of --format triton (default <checkpoint>/triton)',
      ).default(undefined, '<checkpoint>/<part>.onnx, or <checkpoint>/triton'),
    )
    .addOption(
      new Option(
        '--name <name>',
        "triton: the model name, its folder in the repository (default: the spec's name)",
      )
        .argParser((value: string) => {
          checkModelName(value, '--name');
          return value;
        })
        .default(undefined, "the spec's name"),
    )
    .option('--version <n>', 'triton: the version folder to write', intOption('--version', 1), 1)
    .option(
      '--max-batch <n>',
      'triton: max_batch_size, the largest dynamic batch',
      intOption('--max-batch', 1, 65536),
      64,
    )
    .addOption(
      new Option(
        '--storage-uri <uri>',
        'triton: storageUri of kserve.yaml, where the cluster finds the repository (default pvc://aekit-models/<folder>)',
      ).default(undefined, 'pvc://aekit-models/<repository folder>'),
    )
    .addOption(deviceOption('where tfjs runs the checkpoint for the parity check'))
    .option(
      '--parity-samples <n>',
      'random inputs (in [0, 1), seeded) of the parity check against the checkpoint',
      intOption('--parity-samples', 1),
      16,
    )
    .addOption(
      new Option(
        '--data <path>',
        "real raw samples for the parity check instead of random ones: an image folder, .csv/.tsv or .npy, read as aekit train --data reads it with the run's options (its first --parity-samples)",
      ),
    )
    .option(
      '--tolerance <t>',
      'largest allowed max |diff| between ONNX Runtime and the checkpoint',
      numberOption('--tolerance', 0, Number.POSITIVE_INFINITY, { exclusiveMin: true }),
      1e-4,
    )
    .action(async (options: ExportOptions) => {
      const io = getIo();
      if (options.detector !== undefined) {
        return exportDetector(options.detector, options.out, options.device, {
          samples: options.paritySamples,
          tolerance: options.tolerance,
        });
      }
      if (options.checkpoint === undefined) {
        throw new OptionError('export needs --checkpoint <dir> (or --detector <file>)');
      }
      const { model, meta } = await loadCheckpointModel(options.checkpoint, options.device);
      try {
        const { spec } = model;
        const dir = options.checkpoint.replace(/\/+$/, '');
        const out =
          options.out ?? (options.format === 'triton' ? `${dir}/triton` : `${dir}/${options.part}.onnx`);
        const exported = exportOnnx(spec, model.getWeights(), { part: options.part });
        const { info } = exported;
        // A run's --missing policy (with its training means) rides in the metadata for aekit run: the graph
        // itself takes complete rows.
        const missing = checkpointMissingFill(meta);
        const bytes =
          missing && options.part !== 'decoder'
            ? withMissingMetadata(exported.model, missing)
            : exported.bytes;
        const rng = createRng(PARITY_SEED);
        const random = Float32Array.from({ length: options.paritySamples * shapeSize(spec.inputShape) }, () =>
          rng.next(),
        );
        // With a scaler, the export takes raw values: the random values are scaled ones, mapped back to raw.
        const x =
          options.data !== undefined
            ? await paritySamplesOf(options.data, meta, spec.inputShape, options.paritySamples)
            : spec.scaler
              ? unscaleValues(spec.scaler, random)
              : random;
        const checked =
          options.data === undefined
            ? `${options.paritySamples} random inputs`
            : `${x.length / shapeSize(spec.inputShape)} samples of ${options.data}`;
        // A decoder export is fed codes: the checkpoint's own codes of the random inputs.
        const inputs = options.part === 'decoder' ? await withScaler(model).encode(x) : x;
        const session = await createSession(bytes, { device: 'cpu' });
        let parity: Awaited<ReturnType<typeof modelParity>>;
        try {
          parity = await modelParity(model, session, inputs);
        } finally {
          await session.dispose();
        }
        if (!(parity.maxAbsDiff <= options.tolerance)) {
          throw new AekitError(
            'PARITY_FAILED',
            `the ONNX ${options.part} export differs from checkpoint ${options.checkpoint} by up to ${parity.maxAbsDiff.toExponential(2)} (> --tolerance ${options.tolerance}) on ${checked}; nothing was written. Report it with the checkpoint, or raise --tolerance`,
            { details: { ...parity, tolerance: options.tolerance } },
          );
        }
        const outputs = info.outputs.join(', ');
        const what =
          `"${info.name}" ${info.part}, input ${info.inputs[0]} ${formatShape(['batch', ...info.inputShape])} ` +
          `-> ${outputs}; layout NHWC`;
        if (options.format === 'triton') {
          const name = options.name ?? spec.name;
          const { files, config } = await writeTritonRepository(out, bytes, {
            name,
            version: options.version,
            maxBatchSize: options.maxBatch,
            ...(options.storageUri ? { storageUri: options.storageUri } : {}),
          });
          io.out(
            `wrote Triton model repository ${out}: model "${name}" version ${options.version} (${what}), max_batch_size ${config.max_batch_size}, dynamic batching on`,
          );
          for (const file of files) io.out(`  ${join(out, file)}`);
          io.out(
            `serve it: aekit serve --model-repository ${out}   (or Triton / KServe: see ${join(out, 'README.md')})`,
          );
        } else {
          await writeFileAtomic(out, bytes);
          io.out(`wrote ${out} (${(bytes.length / 1024).toFixed(1)} KiB): ${what}`);
        }
        io.out(
          `parity with the checkpoint (ONNX Runtime cpu vs tfjs ${model.backendName}) on ${checked}: max |diff| ${parity.maxAbsDiff.toExponential(2)}${parity.units === 'scaled' ? " in scaled units (raw inputs, the model's scaler)" : ''} (tolerance ${options.tolerance})`,
        );
      } finally {
        model.dispose();
      }
    });
}
