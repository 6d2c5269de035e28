import { dirname, join, resolve } from 'node:path';

/** The rows `--only` can pick, in the order the script runs them. */
export const RESULT_ROWS = [
  'dense',
  'deep',
  'conv',
  'conv-bottleneck',
  'denoising',
  'inpainting',
  'super-resolution',
  'colorization',
  'sparse',
  'contractive',
  'vae',
] as const;

/** The committed report, written by a full run (no `--only`) unless `--out` says otherwise. */
export const DEFAULT_OUT = 'docs/results.md';
/** Where a run with `--only` and no `--out` writes: under runs/, which git ignores. */
export const PARTIAL_OUT = 'runs/results/results.md';

export const USAGE = `Usage: pnpm results [flags]

  pnpm results                                            # the full protocol -> ${DEFAULT_OUT}, docs/images/
  pnpm results --train 6000 --epochs 3 --conv-train 1000  # a reduced budget, stated in the report
  pnpm results --only vae,denoising                       # some rows only -> ${PARTIAL_OUT}
  pnpm results --only vae --dry-run                       # print what would run and where it would write

Flags:
  --train n             training images (default 60000)
  --test n              test images (default 10000)
  --epochs n            at most n epochs per model (default 20)
  --conv-train n        training images of the conv models (default: --train)
  --batch n             batch size (default 256)
  --denoising-train n   training images of the conv denoiser (default: --train)
  --i2i-train n         samples of inpainting, super-resolution and colorization (default 4000)
  --i2i-epochs n        their epochs (default 4)
  --only name,name      these rows only, of: ${RESULT_ROWS.join(', ')}
  --out file            the report (default ${DEFAULT_OUT}; with --only, ${PARTIAL_OUT}, so a partial
                        run never replaces the committed table: pass --out ${DEFAULT_OUT} to do that on purpose)
  --images dir          the pictures (default: images/ beside the report, docs/images/ for ${DEFAULT_OUT})
  --device d            tfjs device: auto, wasm, js, cpu or gpu (default: auto)
  --dry-run             print the budget, the rows and the output paths, and stop before loading any data`;

/** A command line `pnpm results` cannot run: the message says what to change. */
export class ResultsUsageError extends Error {
  override name = 'ResultsUsageError';
}

export interface ResultsBudget {
  train: number;
  test: number;
  epochs: number;
  /** Training images of the conv models. */
  convTrain: number;
  batch: number;
  /** Training samples and epochs of the image-to-image rows (inpainting, super-resolution, colorization). */
  i2iTrain: number;
  i2iEpochs: number;
  /** Training images of the conv denoiser. */
  denoisingTrain: number;
}

export interface ResultsArgs {
  budget: ResultsBudget;
  /** The rows to run; undefined = all. */
  only?: ReadonlySet<string>;
  /** Absolute path of the report. */
  outFile: string;
  /** Absolute path of the pictures' folder. */
  imagesDir: string;
  device?: string;
  dryRun: boolean;
}

const NUMBER_FLAGS = [
  'train',
  'test',
  'epochs',
  'conv-train',
  'batch',
  'denoising-train',
  'i2i-train',
  'i2i-epochs',
] as const;
const STRING_FLAGS = ['only', 'out', 'images', 'device'] as const;
const BOOLEAN_FLAGS = ['dry-run'] as const;

/**
 * Reads the command line of `pnpm results` (without the node and script paths; a `--` is skipped). Paths are
 * resolved against `root`, the repository. Throws ResultsUsageError on an unknown flag, a missing or
 * non-positive-integer value or an unknown row name, before anything runs.
 */
export function parseResultsArgs(argv: readonly string[], root: string): ResultsArgs {
  const values = new Map<string, string>();
  let dryRun = false;
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name) && eq < 0) {
      dryRun = true;
      continue;
    }
    if (
      !(NUMBER_FLAGS as readonly string[]).includes(name) &&
      !(STRING_FLAGS as readonly string[]).includes(name)
    ) {
      throw new ResultsUsageError(
        arg.startsWith('--')
          ? `unknown flag ${arg}`
          : `unexpected argument "${arg}" (flags are --name value)`,
      );
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new ResultsUsageError(`--${name} needs a value`);
    }
    values.set(name, value);
  }

  const int = (name: (typeof NUMBER_FLAGS)[number], fallback: number): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new ResultsUsageError(`--${name} must be a positive integer, got "${text}"`);
    }
    return n;
  };
  const train = int('train', 60000);
  const budget: ResultsBudget = {
    train,
    test: int('test', 10000),
    epochs: int('epochs', 20),
    convTrain: int('conv-train', train),
    batch: int('batch', 256),
    i2iTrain: int('i2i-train', 4000),
    i2iEpochs: int('i2i-epochs', 4),
    denoisingTrain: int('denoising-train', train),
  };

  let only: Set<string> | undefined;
  const onlyText = values.get('only');
  if (onlyText !== undefined) {
    only = new Set(onlyText.split(',').map((s) => s.trim()));
    const unknown = [...only].filter((n) => !(RESULT_ROWS as readonly string[]).includes(n));
    if (unknown.length > 0) {
      throw new ResultsUsageError(
        `--only: unknown row${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; ` +
          `expected some of ${RESULT_ROWS.join(', ')}`,
      );
    }
  }

  const outFile = resolve(root, values.get('out') ?? (only ? PARTIAL_OUT : DEFAULT_OUT));
  const images = values.get('images');
  const imagesDir = images === undefined ? join(dirname(outFile), 'images') : resolve(root, images);
  const device = values.get('device');
  return { budget, ...(only && { only }), outFile, imagesDir, ...(device && { device }), dryRun };
}
