import { type Device, OptionError, shapeSize } from '@aekit/core';
import { type DatasetName, loadDataset } from '@aekit/datasets';
import { imageGrid, writePng } from '@aekit/eval/images';
import type { Command } from 'commander';
import { getIo } from '../io.js';
import { intOption } from '../parse-options.js';
import { deviceOption, loadCheckpointModel } from './checkpoint-model.js';

interface InterpolateOptions {
  checkpoint: string;
  from: number;
  to: number;
  steps: number;
  out: string;
  dataDir?: string;
  device: Device;
}

/** Codes on the straight line from `a` to `b`: `steps` codes including both ends. */
export function lerpCodes(a: Float32Array, b: Float32Array, steps: number): Float32Array {
  const out = new Float32Array(steps * a.length);
  for (let s = 0; s < steps; s++) {
    const t = steps === 1 ? 0 : s / (steps - 1);
    for (let i = 0; i < a.length; i++) out[s * a.length + i] = (1 - t) * a[i]! + t * b[i]!;
  }
  return out;
}

/**
 * Encodes test images `from` and `to` of the checkpoint's dataset (the mean code for a VAE), decodes `steps`
 * codes on the line between them and writes the row as a PNG, the two originals at its ends.
 */
export async function runInterpolate(options: InterpolateOptions): Promise<void> {
  const { model, meta } = await loadCheckpointModel(options.checkpoint, options.device);
  try {
    const { spec } = model;
    const dataset = (typeof meta.dataset === 'string' ? meta.dataset : 'fashion-mnist') as DatasetName;
    const test = await loadDataset(dataset, {
      split: 'test',
      limit: Math.max(options.from, options.to) + 1,
      ...(options.dataDir ? { dir: options.dataDir } : {}),
    });
    const last = test.count - 1;
    if (options.from > last || options.to > last) {
      throw new OptionError(
        `--from/--to must be test image indices in [0, ${last}] of ${dataset}, got ${options.from} and ${options.to}`,
        { details: { expected: [0, last], actual: [options.from, options.to] } },
      );
    }
    const size = shapeSize(spec.inputShape);
    if (size !== shapeSize(test.sampleShape)) {
      throw new OptionError(
        `the model takes [${spec.inputShape.join(', ')}] but ${dataset} images are [${test.sampleShape.join(', ')}]`,
        { details: { expected: spec.inputShape, actual: test.sampleShape } },
      );
    }
    const pick = (i: number) => test.images.subarray(i * size, (i + 1) * size);
    const pair = new Float32Array(2 * size);
    pair.set(pick(options.from), 0);
    pair.set(pick(options.to), size);
    const codes = await model.encode(pair);
    const codeSize = codes.length / 2;
    const path = lerpCodes(codes.subarray(0, codeSize), codes.subarray(codeSize), options.steps);
    const decoded = await model.decode(path);
    const shape = spec.outputShape ?? spec.inputShape;
    const row = new Float32Array(decoded.length + 2 * size);
    row.set(pick(options.from), 0);
    row.set(decoded, size);
    row.set(pick(options.to), size + decoded.length);
    await writePng(options.out, imageGrid([row], shape, { columns: options.steps + 2 }));
    getIo().out(
      `${options.steps} decoded codes from ${dataset} test image ${options.from} to ${options.to} (originals at both ends) -> ${options.out}`,
    );
  } finally {
    model.dispose();
  }
}

/** `aekit interpolate --checkpoint runs/vae --from 0 --to 1 --steps 10 --out interp.png`. */
export function registerInterpolateCommand(program: Command): void {
  program
    .command('interpolate')
    .description("decode codes on the line between two test images' codes into a PNG row")
    .requiredOption('--checkpoint <dir>', 'run directory of "aekit train"')
    .requiredOption('--from <index>', 'index of the first test image', intOption('--from', 0))
    .requiredOption('--to <index>', 'index of the last test image', intOption('--to', 0))
    .option('--steps <n>', 'decoded codes between and including both ends', intOption('--steps', 2, 64), 10)
    .option('--out <file>', 'PNG file to write', 'interp.png')
    .option('--data-dir <dir>', 'directory holding the dataset files (default: as aekit train)')
    .addOption(deviceOption())
    .action(async (options: InterpolateOptions) => {
      await runInterpolate(options);
    });
}
