import { type ModelSpec, type ModelSpecInput, OptionError, validateSpec } from '@aekit/core';
import { convAutoencoder } from './conv.js';

/** A corruption as written by a user (defaults such as `blockSize` may be left out). */
export type CorruptionInput = NonNullable<ModelSpecInput['corruption']>;

export interface DenoisingAutoencoderOptions {
  /**
   * Any autoencoder spec; its own corruption, if any, is replaced. Default: the Keras denoising tutorial's
   * `convAutoencoder({ filters: [32, 32], loss: 'mse' })`, (Conv 3x3 + MaxPool 2) x2 to 7x7x32 and back. A
   * denoiser needs no tight bottleneck; MSE is the loss PSNR measures.
   */
  base?: ModelSpec | ModelSpecInput;
  /** [height, width, channels] of the default base. Default [28, 28, 1]. Not allowed with `base`. */
  inputShape?: [number, number, number];
  /** Input corruption applied while training (the target stays clean). Default Gaussian, std 0.5. */
  noise?: CorruptionInput;
  name?: string;
}

/**
 * Denoising autoencoder: a base spec trained on corrupted inputs against clean targets. The spec only
 * records the corruption; `createCorruption(spec.corruption)` from `@aekit/datasets` implements it and is
 * passed to `fit` as `corrupt`.
 */
export function denoisingAutoencoder(options: DenoisingAutoencoderOptions = {}): ModelSpec {
  if (options.base && options.inputShape) {
    throw new OptionError('denoisingAutoencoder: give inputShape to the base spec, not beside it', {
      details: { expected: 'base or inputShape', actual: 'both' },
    });
  }
  const base =
    options.base ??
    convAutoencoder({ inputShape: options.inputShape ?? [28, 28, 1], filters: [32, 32], loss: 'mse' });
  return validateSpec({
    ...base,
    name: options.name ?? `denoising-${base.name}`,
    corruption: options.noise ?? { type: 'gaussian', std: 0.5 },
  });
}
