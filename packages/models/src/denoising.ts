import { type ModelSpec, type ModelSpecInput, validateSpec } from '@aekit/core';
import { convAutoencoder } from './conv.js';

/** A corruption as written by a user (defaults such as `blockSize` may be left out). */
export type CorruptionInput = NonNullable<ModelSpecInput['corruption']>;

export interface DenoisingAutoencoderOptions {
  /** Any autoencoder spec; default `convAutoencoder()`. Its own corruption, if any, is replaced. */
  base?: ModelSpec | ModelSpecInput;
  /** Input corruption applied while training (the target stays clean). Default Gaussian, std 0.5. */
  noise?: CorruptionInput;
  name?: string;
}

/**
 * Denoising autoencoder: any base spec trained on corrupted inputs against clean targets. The spec only
 * records the corruption; `createCorruption(spec.corruption)` from `@aekit/datasets` implements it and is
 * passed to `fit` as `corrupt`.
 */
export function denoisingAutoencoder(options: DenoisingAutoencoderOptions = {}): ModelSpec {
  const base = options.base ?? convAutoencoder();
  return validateSpec({
    ...base,
    name: options.name ?? `denoising-${base.name}`,
    corruption: options.noise ?? { type: 'gaussian', std: 0.5 },
  });
}
