import { type Autoencoder, createRng, OptionError } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { MODEL_FIX, requireFinite } from '../internal/finite.js';
import { type ThresholdRule, thresholdFor } from './threshold.js';

/** Anything that reconstructs stacked samples: an `Autoencoder` (tfjs or ONNX), or a `Pca`. */
export interface Reconstructor {
  reconstruct(x: Float32Array): Promise<Float32Array> | Float32Array;
  decode?: Autoencoder['decode'];
  encodeDistribution?: Autoencoder['encodeDistribution'];
}

export type ReconstructionError = 'mse' | 'mae' | 'bce';

export interface ReconstructionDetectorOptions {
  /** Values per sample (e.g. 784 for 28x28x1). */
  featureSize: number;
  /** Threshold from the training-score distribution. Default `{ percentile: 95 }`. */
  threshold?: ThresholdRule;
  /** Per-feature error. Default `mse` (squared error). */
  error?: ReconstructionError;
  /**
   * VAE: average the error over this many decodes of z ~ q(z|x) (needs `encodeDistribution` and `decode`).
   * Default 1 = reconstruct through the mean code.
   */
  samples?: number;
  seed?: number;
  /** Samples per call to the model. Default 256. */
  batchSize?: number;
}

function featureError(kind: ReconstructionError, t: number, p: number): number {
  if (kind === 'mse') return (t - p) * (t - p);
  if (kind === 'mae') return Math.abs(t - p);
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
}

/**
 * Anomaly detector on reconstruction error (in the spirit of PyOD's `AutoEncoder`/alibi-detect's `OutlierAE`):
 * `fit` on normal data sets the threshold from the training-score distribution; `score` gives one error per
 * sample, `scoreFeatures` one per feature (a heat map for images), `predict` 1 for anomalies.
 */
export class ReconstructionDetector {
  readonly featureSize: number;
  private readonly rule: ThresholdRule;
  private readonly errorKind: ReconstructionError;
  private readonly samples: number;
  private readonly batchSize: number;
  private readonly seed: number;
  private fitted: { threshold: number; trainScores: Float64Array } | undefined;

  constructor(
    readonly model: Reconstructor,
    options: ReconstructionDetectorOptions,
  ) {
    this.featureSize = options.featureSize;
    this.rule = options.threshold ?? { percentile: 95 };
    this.errorKind = options.error ?? 'mse';
    this.samples = options.samples ?? 1;
    this.batchSize = options.batchSize ?? 256;
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.samples) || this.samples < 1) {
      throw new OptionError(
        `ReconstructionDetector: samples must be a positive integer, got ${this.samples}.`,
      );
    }
    if (this.samples > 1 && (model.encodeDistribution === undefined || model.decode === undefined)) {
      throw new OptionError(
        `ReconstructionDetector: samples=${this.samples} needs a VAE (a model with encodeDistribution and decode); use samples=1 for this model.`,
      );
    }
  }

  /** Scores `normal` and sets the threshold from its distribution. */
  async fit(normal: Float32Array): Promise<this> {
    const trainScores = await this.score(normal);
    this.fitted = { threshold: thresholdFor(trainScores, this.rule), trainScores };
    return this;
  }

  get threshold(): number {
    if (this.fitted === undefined)
      throw new OptionError('ReconstructionDetector: call fit(normalData) first.');
    return this.fitted.threshold;
  }

  get trainScores(): Float64Array {
    if (this.fitted === undefined)
      throw new OptionError('ReconstructionDetector: call fit(normalData) first.');
    return this.fitted.trainScores;
  }

  /**
   * Per-feature error [n, featureSize] (averaged over VAE samples). NaN or ±Infinity in `x`, in what the model
   * returns, or in an error that overflows float32, throw `DataError`.
   */
  async scoreFeatures(x: Float32Array): Promise<Float32Array> {
    const d = this.featureSize;
    const n = sampleCount(x, d, 'ReconstructionDetector');
    requireFinite(x, 'ReconstructionDetector inputs', { sampleSize: d });
    const out = new Float32Array(n * d);
    const rng = createRng(this.seed);
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(n, start + this.batchSize);
      const batch = x.subarray(start * d, end * d);
      const recons: Float32Array[] = [];
      if (this.samples === 1) {
        recons.push(await this.model.reconstruct(batch));
      } else {
        const { mean, logVar } = await (
          this.model.encodeDistribution as NonNullable<Reconstructor['encodeDistribution']>
        )(batch);
        requireFinite(mean, "ReconstructionDetector: the model's latent means", { fix: MODEL_FIX });
        requireFinite(logVar, "ReconstructionDetector: the model's latent log-variances", { fix: MODEL_FIX });
        for (let s = 0; s < this.samples; s++) {
          const z = new Float32Array(mean.length);
          for (let i = 0; i < z.length; i++) {
            z[i] = (mean[i] as number) + Math.exp(0.5 * (logVar[i] as number)) * rng.normal();
          }
          recons.push(await (this.model.decode as NonNullable<Reconstructor['decode']>)(z));
        }
      }
      for (const r of recons) {
        if (r.length !== batch.length) {
          throw new OptionError(
            `ReconstructionDetector: the model returned ${r.length} values for ${batch.length} inputs; reconstruction must have the input's shape.`,
          );
        }
        requireFinite(
          r,
          `ReconstructionDetector: the model's reconstructions of samples ${start} to ${end - 1}`,
          {
            sampleSize: d,
            offset: start * d,
            fix: MODEL_FIX,
          },
        );
        for (let i = 0; i < batch.length; i++) {
          const o = start * d + i;
          out[o] =
            (out[o] as number) +
            featureError(this.errorKind, batch[i] as number, r[i] as number) / recons.length;
        }
      }
    }
    requireFinite(out, 'ReconstructionDetector: per-feature errors (overflowing float32)', {
      sampleSize: d,
      fix: MODEL_FIX,
    });
    return out;
  }

  /** Anomaly score per sample: the mean per-feature error. */
  async score(x: Float32Array): Promise<Float64Array> {
    const f = await this.scoreFeatures(x);
    const d = this.featureSize;
    const n = f.length / d;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += f[i * d + j] as number;
      out[i] = s / d;
    }
    return out;
  }

  /** 1 where the score exceeds the fitted threshold, else 0. */
  async predict(x: Float32Array): Promise<Uint8Array> {
    const t = this.threshold;
    const s = await this.score(x);
    return Uint8Array.from(s, (v) => (v > t ? 1 : 0));
  }
}
