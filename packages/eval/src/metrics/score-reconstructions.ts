import {
  type Autoencoder,
  type Corruption,
  type CorruptionInput,
  corrupt,
  OptionError,
  ShapeMismatchError,
  shapeSize,
} from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { MODEL_FIX, requireFinite } from '../internal/finite.js';
import { cappedPsnrSum, meanPsnr, squaredErrorSum } from './mean-metrics.js';

/** Samples per `reconstruct` call unless `chunk` says otherwise. */
const DEFAULT_CHUNK = 1000;

export interface ScoreOptions {
  /** Values per target (output) sample. Default: the size of the model's `outputShape` (else `inputShape`). */
  sampleSize?: number;
  /** How many of the first outputs to return in `first` (at most all samples). Default 0. */
  keep?: number;
  /** Samples per call to `model.reconstruct`. Default 1000. */
  chunk?: number;
}

export interface ReconstructionScores {
  /** Mean squared error over all values of the outputs against the targets. */
  mse: number;
  /** Mean over samples of the PSNR in dB (peak 1) of each output, each capped at 100 dB (as `meanPsnr`). */
  psnr: number;
  /** The outputs of the first `keep` samples. */
  first: Float32Array;
}

export interface DenoiserScoreOptions extends Omit<ScoreOptions, 'sampleSize'> {
  /** The noise added to the clean inputs (a model's `spec.corruption`, or its input form). */
  corruption: Corruption | CorruptionInput;
  /** Seed of the noise: the same seed corrupts the same inputs the same way every run. */
  seed: number;
  /** Shape of one sample, for corruptions with a spatial layout (masks). Default: the model's `inputShape`. */
  sampleShape?: readonly number[];
}

export interface DenoiserScores extends ReconstructionScores {
  /** Mean capped PSNR in dB of the noisy inputs against the clean ones: what copying the input would score. */
  psnrNoisy: number;
  /** The first `keep` noisy inputs. */
  firstNoisy: Float32Array;
}

function checkCount(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`scoreReconstructions: ${what} must be an integer >= ${min}, got ${value}.`, {
      details: { option: what, actual: value },
    });
  }
}

/**
 * Scores `model` on n samples: runs `model.reconstruct` on `input` in chunks of `chunk` samples and compares
 * its outputs with `target` (the same array, unless the inputs are corrupted or of another shape than the
 * outputs): MSE over all values, mean capped PSNR, and the first `keep` outputs.
 */
export async function scoreReconstructions(
  model: Pick<Autoencoder, 'spec' | 'reconstruct'>,
  input: Float32Array,
  target: Float32Array,
  options: ScoreOptions = {},
): Promise<ReconstructionScores> {
  const size = options.sampleSize ?? shapeSize(model.spec.outputShape ?? model.spec.inputShape);
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  const keep = options.keep ?? 0;
  checkCount('chunk', chunk, 1);
  checkCount('keep', keep, 0);
  const n = sampleCount(target, size, 'scoreReconstructions');
  const inputSize = input.length / n;
  if (n > 0 && !Number.isInteger(inputSize)) {
    throw new ShapeMismatchError(
      `scoreReconstructions: ${input.length} input values are not ${n} samples (the targets hold ${n} of ${size} values); pass one input per target.`,
      `${n} * k`,
      input.length,
    );
  }
  requireFinite(target, 'scoreReconstructions targets', { sampleSize: size });
  if (input !== target) requireFinite(input, 'scoreReconstructions inputs', { sampleSize: inputSize });
  const kept = Math.min(keep, n);
  const first = new Float32Array(kept * size);
  let sum = 0;
  let psnr = 0;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const expected = target.subarray(start * size, end * size);
    const out = await model.reconstruct(input.subarray(start * inputSize, end * inputSize));
    if (out.length !== expected.length) {
      throw new ShapeMismatchError(
        `scoreReconstructions: the model returned ${out.length} values for ${end - start} samples, expected ${expected.length} (${size} per sample); pass sampleSize of the model's output.`,
        expected.length,
        out.length,
      );
    }
    requireFinite(out, `scoreReconstructions: the model's outputs for samples ${start} to ${end - 1}`, {
      sampleSize: size,
      offset: start * size,
      fix: MODEL_FIX,
    });
    // One running sum over all values (the same bits as a single pass); the PSNRs are summed per chunk.
    sum = squaredErrorSum(expected, out, sum);
    psnr += cappedPsnrSum(expected, out, size);
    if (start < kept) first.set(out.subarray(0, (Math.min(kept, end) - start) * size), start * size);
  }
  // No samples: NaN, as a mean of nothing.
  return { mse: sum / target.length, psnr: psnr / n, first };
}

/**
 * Scores a denoiser: corrupts `clean` with `corruption` (seeded, as `corrupt` of @aekit/core), runs the model
 * on the noisy inputs and scores its outputs against the clean samples (`scoreReconstructions`). Also returns
 * the noisy inputs' own PSNR, the baseline a denoiser has to beat, and the first `keep` noisy inputs.
 */
export async function scoreDenoiser(
  model: Pick<Autoencoder, 'spec' | 'reconstruct'>,
  clean: Float32Array,
  options: DenoiserScoreOptions,
): Promise<DenoiserScores> {
  const shape = options.sampleShape ?? model.spec.inputShape;
  const size = shapeSize(shape);
  const noisy = corrupt(clean, shape, options.corruption, options.seed);
  const scores = await scoreReconstructions(model, noisy, clean, {
    sampleSize: size,
    ...(options.keep === undefined ? {} : { keep: options.keep }),
    ...(options.chunk === undefined ? {} : { chunk: options.chunk }),
  });
  return {
    ...scores,
    psnrNoisy: meanPsnr(clean, noisy, size),
    firstNoisy: noisy.slice(0, scores.first.length),
  };
}
