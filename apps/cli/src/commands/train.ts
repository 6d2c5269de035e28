import { statSync } from 'node:fs';
import { OptionError } from '@aekit/core';
import { DATASET_NAMES, DEFAULT_FIT, FIT_POLICIES, MISSING_POLICIES, SCALER_TYPES } from '@aekit/datasets';
import { DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE } from '@aekit/tfjs-backend';
import { type Command, Option } from 'commander';
import { modelNames, modelRegistry } from '../model-registry.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';
import {
  DEFAULT_TEST_FRACTION,
  resumedOptions,
  runTraining,
  TEST_NOISE_SEED,
  type TrainOptions,
  WEIGHT_INITS,
} from '../run-training.js';
import { seriesOptionsOf } from '../series-data.js';
import { TABLE_DEFAULTED } from '../table-defaults.js';
import { DEFAULT_CHANNELS, DEFAULT_IMAGE_SIZE } from '../user-data.js';
import { deviceOption } from './checkpoint-model.js';

function modelTable(): string {
  const names = modelNames();
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `  ${n.padEnd(width)}  ${modelRegistry.get(n)!.description}`).join('\n');
}

/** `--image-size 48x64` (or a single 32 for 32x32) as [height, width]. */
function imageSizeOption(value: string): number[] {
  const parts = value.toLowerCase().split('x');
  const size = parts.length === 1 ? [parts[0]!, parts[0]!] : parts;
  if (size.length !== 2 || !size.every((p) => /^[1-9]\d{0,4}$/.test(p.trim()))) {
    throw new OptionError(`--image-size must be HxW in pixels, e.g. 32x32 or 48x64, got "${value}"`, {
      details: { option: '--image-size', actual: value },
    });
  }
  return size.map(Number);
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** `aekit train`: trains a model of the registry on a dataset; see `aekit train --help`. */
export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train an autoencoder on an image dataset, checkpoint it and score it on the test set')
    .addOption(new Option('--model <name>', `model to train: ${modelNames().join(', ')}`).default('conv'))
    .addOption(new Option('--dataset <name>', 'dataset').default('fashion-mnist').choices([...DATASET_NAMES]))
    .addOption(
      new Option(
        '--data-dir <dir>',
        'directory holding the dataset IDX files (default: AEKIT_DATA_DIR, ~/.cache/aekit, /usr/share/datasets, else the shipped sample)',
      ),
    )
    .addOption(
      new Option(
        '--data <file>',
        'your own data instead of --dataset: a .csv/.tsv table, one sample per row, a .npy array or an array of a .npz (--array), first axis the samples, or a folder of images (default: none, --dataset)',
      ).conflicts(['dataset', 'dataDir']),
    )
    .addOption(
      new Option(
        '--test-data <file>',
        'test samples of the same kind as --data (default: a held-out --test-fraction of --data)',
      ),
    )
    .option(
      '--test-fraction <f>',
      'fraction of --data held out for the test (shuffled with --seed) when there is no --test-data',
      numberOption('--test-fraction', 0, 1, { exclusiveMin: true, exclusiveMax: true }),
      DEFAULT_TEST_FRACTION,
    )
    .addOption(
      new Option(
        '--columns <list>',
        'table feature columns, comma-separated names or 0-based indices (default: all but --label-column)',
      ).argParser((v: string) => v.split(',').map((c) => c.trim())),
    )
    .addOption(
      new Option(
        '--label-column <column>',
        'table column, a name or 0-based index (negative from the end), kept out of the features; numbers, or class names numbered in first-seen order (default: none)',
      ),
    )
    .addOption(
      new Option(
        '--id-column <column>',
        'table column of row ids, a name or 0-based index (text is fine), kept out of the features; detect fit and score read it too (default: none)',
      ),
    )
    .addOption(
      new Option(
        '--skip-lines <n>',
        'table lines to skip before its header or first row (default: 0)',
      ).argParser(intOption('--skip-lines', 0)),
    )
    .addOption(
      new Option(
        '--array <name>',
        'the array of a .npz --data to use, when it holds several (default: its only array)',
      ),
    )
    .addOption(
      new Option(
        '--window <steps>',
        "cut --data into windows of this many steps: a series (a table's rows or a .npy of shape (T) or (T, C) as time steps, its columns as channels); the test part is its last --test-fraction, not shuffled (default: none, samples as they are)",
      ).argParser(intOption('--window', 1)),
    )
    .addOption(
      new Option(
        '--stride <steps>',
        'steps between the starts of two windows of --window (default: the window, no overlap)',
      ).argParser(intOption('--stride', 1)),
    )
    .addOption(
      new Option(
        '--missing <policy>',
        'table cells without a value (empty, NA, NaN, null, ?): error (naming the row and column), drop-rows, mean (of the training part) or zero',
      )
        .argParser(choiceOption('--missing', MISSING_POLICIES))
        .default('error'),
    )
    .addOption(
      new Option('--image-size <HxW>', "an image folder's sample size: every image brought to it by --fit")
        .argParser(imageSizeOption)
        .default(DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE.join('x')),
    )
    .addOption(
      new Option(
        '--fit <policy>',
        "how an image folder's images are brought to --image-size: crop (scale to cover, aspect ratio kept, centre crop), resize (stretch both sides) or pad (scale to fit inside, centre, fill with 0)",
      )
        .argParser(choiceOption('--fit', FIT_POLICIES))
        .default(DEFAULT_FIT),
    )
    .addOption(
      new Option(
        '--channels <n>',
        "an image folder's channels: 1 (BT.601 grey) or 3 (RGB; grey images repeated)",
      )
        .argParser((v: string) => Number(choiceOption('--channels', ['1', '3'] as const)(v)))
        .default(DEFAULT_CHANNELS),
    )
    .addOption(
      new Option(
        '--scale <kind>',
        'scaler fitted on the training part of --data, per feature or channel, stored in the model and its ONNX export: minmax, zscore or none (default: zscore for tables and arrays, minmax for images)',
      ).argParser(choiceOption('--scale', [...SCALER_TYPES, 'none'] as const)),
    )
    .option(
      '--skip-bad',
      "leave out bad items of --data / --test-data (files of an image folder that are not readable PNG/JPEG images, a table's ragged rows and rows with text in a numeric column) and count them in the summary, instead of stopping with exit 1",
      false,
    )
    .option('--epochs <n>', 'training epochs', intOption('--epochs', 1), 5)
    .option(
      '--batch-size <n>',
      'samples per optimiser step',
      intOption('--batch-size', 1),
      DEFAULT_BATCH_SIZE,
    )
    .option(
      '--lr <rate>',
      'Adam learning rate',
      numberOption('--lr', 0, 10, { exclusiveMin: true }),
      DEFAULT_LEARNING_RATE,
    )
    .option('--seed <n>', 'seed of initialisation and shuffling', intOption('--seed', 0, 2 ** 31 - 1), 0)
    .option('--latent-dim <n>', 'size of the code (dense, deep)', intOption('--latent-dim', 1), 32)
    .addOption(
      new Option(
        '--init <kind>',
        "initial weights: random, or pca (dense and deep: PCA's solution with --latent-dim components, with a linear code and output and MSE, hidden sizes >= 2 x --latent-dim; outputs clipped to [0, 1] for min-max scaled data when the first --hidden size is >= 2 x the sample's values; fine-tuned with a small --lr such as 1e-4, and its best validation epoch kept only when it beats PCA of every training sample on the validation part by twice the standard error, else that PCA)",
      )
        .argParser(choiceOption('--init', WEIGHT_INITS))
        .default('random'),
    )
    .addOption(
      new Option('--limit <n>', 'train on the first n training images only (default: all)').argParser(
        intOption('--limit', 1),
      ),
    )
    .addOption(
      new Option('--test-limit <n>', 'score on the first n test images only (default: all)').argParser(
        intOption('--test-limit', 1),
      ),
    )
    .option(
      '--validation-fraction <f>',
      'fraction of the training images held out for validation (the last ones)',
      numberOption('--validation-fraction', 0, 1, { exclusiveMax: true }),
      0.1,
    )
    .option(
      '--patience <n>',
      'stop after n epochs without validation improvement and keep the best weights (0 = never)',
      intOption('--patience', 0),
      3,
    )
    .addOption(deviceOption('where tfjs trains'))
    .addOption(
      new Option(
        '--out <dir>',
        'run directory: checkpoint, metrics.jsonl, reconstructions.png (default: runs/<model>)',
      ),
    )
    .addOption(
      new Option(
        '--resume <dir>',
        'continue the run in <dir> from its last checkpoint, with its own options; --epochs and --device may change (default: none, a new run)',
      ).conflicts(['out', 'force']),
    )
    .option('--force', 'replace the run already in --out (its checkpoint, metrics and picture)', false);

  // Model-specific options, each long flag once (models may share one).
  const seen = new Set(command.options.map((o) => o.long));
  for (const entry of modelRegistry.values()) {
    for (const def of entry.options) {
      const shownDefault =
        def.defaultValue === undefined && def.defaultDescription !== undefined
          ? ` (default: ${def.defaultDescription})`
          : '';
      const option = new Option(def.flags, def.description + shownDefault);
      if (seen.has(option.long)) continue;
      seen.add(option.long);
      if (def.parse) option.argParser(def.parse);
      if (def.defaultValue !== undefined) option.default(def.defaultValue, def.defaultDescription);
      command.addOption(option);
    }
  }

  command
    .addHelpText(
      'after',
      `\nModels:\n${modelTable()}\n\n` +
        'The run ends with the test MSE of the reconstructions. A denoising model is scored instead on test inputs\n' +
        `corrupted with its --noise (seed ${TEST_NOISE_SEED}): PSNR of the noisy inputs and of its outputs against the clean\n` +
        'images, MSE of its outputs; reconstructions.png then shows noisy inputs, outputs and clean images.\n',
    )
    .action(async (raw: Record<string, unknown>, cmd: Command) => {
      if (typeof raw.resume === 'string') {
        // A resumed run takes its options from its checkpoint: only --epochs and --device may be given again.
        const given = Object.keys(raw).filter(
          (k) =>
            cmd.getOptionValueSource(k) === 'cli' && !['resume', 'epochs', 'device', 'verbose'].includes(k),
        );
        if (given.length > 0) {
          throw new OptionError(
            `--resume takes the run's options from its checkpoint; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} (only --epochs and --device may change)`,
          );
        }
        const explicit = (k: string) => (cmd.getOptionValueSource(k) === 'cli' ? raw[k] : undefined);
        await runTraining(
          await resumedOptions(raw.resume, {
            epochs: explicit('epochs') as number | undefined,
            device: explicit('device') as TrainOptions['device'] | undefined,
          }),
        );
        return;
      }
      // Without --model, --data gets the model of its kind: conv for images, conv1d for a series, deep for a
      // table or array (see table-defaults.ts, which also sets a table's other defaults).
      if (cmd.getOptionValueSource('model') === 'default' && typeof raw.data === 'string') {
        raw.model = raw.window !== undefined ? 'conv1d' : isDirectory(raw.data) ? 'conv' : 'deep';
      }
      const defaulted = TABLE_DEFAULTED.filter(
        (k) => k !== 'model' && cmd.getOptionValueSource(k) === 'default',
      );
      // Refuses --stride without --window, as every command with series options does.
      seriesOptionsOf(raw as { window?: number; stride?: number });
      const options = {
        ...raw,
        ...(typeof raw.data === 'string' && { defaulted }),
        out: raw.out ?? `runs/${String(raw.model)}`,
      } as TrainOptions;
      await runTraining(options);
    });
}
