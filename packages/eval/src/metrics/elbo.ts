import { type Autoencoder, createRng, OptionError } from '@aekit/core';
import { sameLength, sampleCount } from '../internal/check.js';
import { MODEL_FIX, PREDICTION_FIX, requireFinite } from '../internal/finite.js';

export interface NegativeElboParts {
  /** Per-sample negative ELBO = reconstruction + beta * KL (nats). */
  negativeElbo: Float64Array;
  /** Per-sample reconstruction term, summed over features. */
  reconstruction: Float64Array;
  /** Per-sample KL(q(z|x) || N(0, I)). */
  kl: Float64Array;
}

/**
 * Per-sample VAE negative ELBO from its pieces: the reconstruction term summed over features
 * (`bce` = Bernoulli negative log-likelihood, `mse` = half squared error, the unit-variance Gaussian
 * negative log-likelihood without its constant) plus beta times the analytic KL of N(mean, exp(logVar)).
 */
export function negativeElbo(args: {
  x: Float32Array;
  reconstruction: Float32Array;
  mean: Float32Array;
  logVar: Float32Array;
  featureSize: number;
  loss?: 'bce' | 'mse';
  beta?: number;
}): NegativeElboParts {
  const { x, reconstruction, mean, logVar, featureSize, loss = 'bce', beta = 1 } = args;
  sameLength(x, reconstruction, 'negativeElbo');
  sameLength(mean, logVar, 'negativeElbo');
  const n = sampleCount(x, featureSize, 'negativeElbo');
  const latent = mean.length / n;
  sampleCount(mean, latent, 'negativeElbo (latent)');
  requireFinite(x, 'negativeElbo x', { sampleSize: featureSize });
  requireFinite(reconstruction, 'negativeElbo reconstruction', {
    sampleSize: featureSize,
    fix: PREDICTION_FIX,
  });
  requireFinite(mean, 'negativeElbo mean', { sampleSize: latent, fix: PREDICTION_FIX });
  requireFinite(logVar, 'negativeElbo logVar', { sampleSize: latent, fix: PREDICTION_FIX });
  const rec = new Float64Array(n);
  const kl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < featureSize; j++) {
      const t = x[i * featureSize + j] as number;
      const p = reconstruction[i * featureSize + j] as number;
      if (loss === 'mse') r += 0.5 * (t - p) * (t - p);
      else {
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
        r -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      }
    }
    let k = 0;
    for (let j = 0; j < latent; j++) {
      const m = mean[i * latent + j] as number;
      const lv = logVar[i * latent + j] as number;
      k += -0.5 * (1 + lv - m * m - Math.exp(lv));
    }
    rec[i] = r;
    kl[i] = k;
  }
  return { negativeElbo: rec.map((r, i) => r + beta * (kl[i] as number)), reconstruction: rec, kl };
}

/** Monte-Carlo negative ELBO of a VAE on `x`: the reconstruction term averaged over `samples` draws of z. */
export async function vaeNegativeElbo(
  model: Pick<Autoencoder, 'decode' | 'encodeDistribution'>,
  x: Float32Array,
  options: { featureSize: number; loss?: 'bce' | 'mse'; beta?: number; samples?: number; seed?: number },
): Promise<NegativeElboParts> {
  if (model.encodeDistribution === undefined) {
    throw new OptionError(
      'vaeNegativeElbo: the model has no encodeDistribution; the ELBO is defined for a VAE only.',
    );
  }
  const samples = options.samples ?? 1;
  const rng = createRng(options.seed ?? 0);
  requireFinite(x, 'vaeNegativeElbo x', { sampleSize: options.featureSize });
  const { mean, logVar } = await model.encodeDistribution(x);
  const n = x.length / options.featureSize;
  requireFinite(mean, "vaeNegativeElbo: the model's latent means", { fix: MODEL_FIX });
  requireFinite(logVar, "vaeNegativeElbo: the model's latent log-variances", { fix: MODEL_FIX });
  const acc = {
    negativeElbo: new Float64Array(n),
    reconstruction: new Float64Array(n),
    kl: new Float64Array(n),
  };
  for (let s = 0; s < samples; s++) {
    const z = Float32Array.from(mean, (m, i) => m + Math.exp(0.5 * (logVar[i] as number)) * rng.normal());
    const reconstruction = await model.decode(z);
    requireFinite(reconstruction, "vaeNegativeElbo: the model's decoded samples", { fix: MODEL_FIX });
    const parts = negativeElbo({ ...options, x, reconstruction, mean, logVar });
    for (const key of ['negativeElbo', 'reconstruction', 'kl'] as const) {
      for (let i = 0; i < n; i++) acc[key][i] = (acc[key][i] as number) + (parts[key][i] as number) / samples;
    }
  }
  return acc;
}
