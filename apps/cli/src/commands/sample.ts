import { createRng, type Device, OptionError, shapeSize } from '@aekit/core';
import { imageGrid, writePng } from '@aekit/eval/images';
import type { Command } from 'commander';
import { getIo } from '../io.js';
import { intOption } from '../parse-options.js';
import { deviceOption, loadCheckpointModel } from './checkpoint-model.js';

interface SampleOptions {
  checkpoint: string;
  n: number;
  out: string;
  seed: number;
  columns?: number;
  device: Device;
}

/** Decodes `n` codes drawn from the VAE's prior N(0, I) and writes them as a PNG grid. */
export async function runSample(options: SampleOptions): Promise<void> {
  const { model } = await loadCheckpointModel(options.checkpoint, options.device);
  try {
    const { spec } = model;
    if (spec.latent.type !== 'gaussian') {
      throw new OptionError(
        `aekit sample: ${options.checkpoint} holds a "${spec.name}" model with a deterministic code; sampling needs a VAE (train one with --model vae or conv-vae). Use "aekit interpolate" for other models.`,
        { details: { expected: 'gaussian latent', actual: spec.latent.type } },
      );
    }
    const rng = createRng(options.seed);
    const z = new Float32Array(options.n * spec.latent.dim).map(() => rng.normal());
    const images = await model.decode(z);
    const shape = spec.outputShape ?? spec.inputShape;
    const columns = options.columns ?? Math.ceil(Math.sqrt(options.n));
    await writePng(options.out, imageGrid([images], shape, { columns }));
    getIo().out(
      `${options.n} samples of ${spec.name} (${shapeSize(shape)} values each, codes from N(0, I), seed ${options.seed}) -> ${options.out}`,
    );
  } finally {
    model.dispose();
  }
}

/** `aekit sample --checkpoint runs/vae --n 64 --out samples.png`. */
export function registerSampleCommand(program: Command): void {
  program
    .command('sample')
    .description('generate images from a trained VAE: decode codes drawn from N(0, I) into a PNG grid')
    .requiredOption('--checkpoint <dir>', 'run directory of "aekit train --model vae" (or conv-vae)')
    .option('--n <count>', 'number of samples', intOption('--n', 1, 4096), 64)
    .option('--out <file>', 'PNG file to write', 'samples.png')
    .option('--seed <n>', 'seed of the drawn codes', intOption('--seed', 0, 2 ** 31 - 1), 0)
    .option('--columns <n>', 'samples per grid line (default: square grid)', intOption('--columns', 1))
    .addOption(deviceOption())
    .action(async (options: SampleOptions) => {
      await runSample(options);
    });
}
