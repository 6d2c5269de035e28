import {
  inferShapes,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  shapeSize,
  type TrainableModel,
} from '@aekit/core';
import type { Pca } from '@aekit/eval/baselines';
import { msePer } from '@aekit/eval/metrics';
import { pcaWarmStart } from '@aekit/models';
import { type BaselinePca, fitBaselinePca, type Samples } from './baseline-scores.js';
import { getIo } from './io.js';

const fmt = (value: number) => value.toFixed(4);

/** What a PCA warm start needs to judge the fine-tuned model. */
export interface WarmStart {
  /** The validation samples, of `size` values each. */
  val: Float32Array;
  size: number;
  components: number;
  /** The range the outputs are clipped to, when they are. */
  clip?: [number, number];
}

/** Mean of `values`. */
const meanOf = (values: Float64Array) => values.reduce((s, v) => s + v, 0) / values.length;

const INIT_FIX = 'use --model dense or deep (hidden sizes >= 2 x --latent-dim), or leave --init out';

/** `pcaWarmStart` for the CLI: a spec it cannot start at PCA is an OptionError of --init with the fix. */
function warmWeights(spec: ModelSpec, pca: Pca, seed: number, clip?: [number, number]): NamedTensor[] {
  try {
    return pcaWarmStart(spec, pca, seed, clip ? { clip } : {});
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    throw new OptionError(`--init pca: ${error.message}; ${INIT_FIX}`, {
      cause: error,
      details: { option: '--init', actual: 'pca' },
    });
  }
}

/** PCA with `k` components as the baseline fits it, or an OptionError of --init when there is none. */
export function pcaForInit(samples: Samples, spec: ModelSpec, k: number): BaselinePca {
  const size = samples.images.length / samples.count;
  const fitted = fitBaselinePca(samples, size, k);
  if (typeof fitted === 'object' && fitted.pca.componentCount === k) return fitted;
  throw new OptionError(
    `--init pca: model "${spec.name}" has a code of ${k} values, and PCA(${k}) cannot be fitted on ${samples.count} training samples of ${size} values${typeof fitted === 'string' ? ` (${fitted})` : ''}; lower --latent-dim`,
    { details: { option: '--init', actual: 'pca' } },
  );
}

/**
 * `--init pca`: sets the model's weights to PCA's solution (`pcaWarmStart`) with as many components as its
 * code has values, the PCA fitted on the training part only (as the baseline fits it), so that the
 * validation part judges the start and the fine-tuned epochs alike; says the start's validation loss. Data
 * in [0, 1] get outputs clipped to [0, 1] when the last decoder hidden layer has 2 x features units or more
 * (`pcaWarmStart`'s `clip`).
 */
export async function startAtPca(
  model: TrainableModel,
  options: { validationFraction: number; seed: number },
  train: Samples,
  val: Float32Array | undefined,
): Promise<WarmStart> {
  if (!val) {
    throw new OptionError(
      `--init pca keeps the best validation epoch, the warm start included, but --validation-fraction ${options.validationFraction} leaves no validation samples; raise it (e.g. 0.1)`,
      { details: { option: '--validation-fraction', actual: options.validationFraction } },
    );
  }
  const spec = model.spec;
  const k = shapeSize(inferShapes(spec).latent);
  const size = train.images.length / train.count;
  // Values in [0, 1] (min-max scaled, or images unscaled) get outputs clipped to [0, 1] where the last decoder
  // hidden layer can hold it: never further from a target in that range than PCA's reconstruction.
  const unitRange = spec.scaler ? spec.scaler.type === 'minmax' : spec.inputShape.length === 3;
  const dense = spec.decoder.flatMap((l) => (l.type === 'dense' ? [l.units] : []));
  const clip: [number, number] | undefined =
    unitRange && dense.length >= 2 && dense.at(-2)! >= 2 * size ? [0, 1] : undefined;
  const weights = warmWeights(spec, pcaForInit(train, spec, k).pca, options.seed, clip);
  model.setWeights(weights);
  const valErrors = msePer(val, await model.reconstruct(val), size);
  const clipped = clip
    ? ', outputs clipped to [0, 1]'
    : unitRange
      ? ` (with a first --hidden size of at least ${2 * size}, the outputs would be clipped to [0, 1])`
      : '';
  getIo().out(
    `--init pca: started at PCA(${k}) of the ${train.count} training samples${clipped} · val MSE ${fmt(meanOf(valErrors))} (epoch 0)`,
  );
  return { val, size, components: k, ...(clip && { clip }) };
}

/**
 * After fine-tuning from a PCA warm start (the trainer kept its best validation epoch): the fine-tuned model
 * stays only where the validation part agrees, when its per-sample errors there are lower than those of the
 * PCA fitted on every training sample (`full`: the baseline's PCA, which has seen the validation part, so the
 * test is conservative) by more than twice the standard error of the paired differences. Otherwise the
 * model becomes that PCA's solution and reconstructs as the PCA baseline does (clipped, when the start was).
 */
export async function keepWarmStartUnlessBeaten(
  model: TrainableModel,
  warm: WarmStart,
  full: Pca,
  seed: number,
): Promise<void> {
  const { val, size } = warm;
  const tunedWeights = model.getWeights();
  const tuned = msePer(val, await model.reconstruct(val), size);
  model.setWeights(warmWeights(model.spec, full, seed, warm.clip));
  const pca = msePer(val, await model.reconstruct(val), size);
  const n = tuned.length;
  const gains = pca.map((e, i) => e - tuned[i]!);
  const gain = meanOf(gains);
  const se = Math.sqrt(gains.reduce((s, g) => s + (g - gain) ** 2, 0) / Math.max(1, n - 1) / n);
  const said = `fine-tuned val MSE ${fmt(meanOf(tuned))}, PCA(${warm.components}) of every training sample ${fmt(meanOf(pca))} (fine-tuned lower by ${gain.toExponential(2)} ± ${se.toExponential(2)} on ${n} samples)`;
  if (gain > 2 * se) {
    model.setWeights(tunedWeights);
    getIo().out(`--init pca: ${said}; kept the fine-tuned model`);
  } else {
    getIo().out(
      `--init pca: ${said}, not lower by twice the standard error; the model is that PCA(${warm.components})${warm.clip ? ', its outputs clipped to [0, 1]' : ', as the baseline'}`,
    );
  }
}
