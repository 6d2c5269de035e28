import {
  initialWeights,
  type Layer,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  shapeSize,
} from '@aekit/core';

/** A fitted PCA as the warm start takes it (`Pca` of `@aekit/eval/baselines` has these fields). */
export interface PcaSolution {
  /** Per-feature mean of the data, [features]. */
  mean: ArrayLike<number>;
  /** Principal axes, [k, features] row-major, orthonormal rows. */
  components: ArrayLike<number>;
}

export interface PcaWarmStartOptions {
  /**
   * Clip the reconstruction to [low, high] (e.g. [0, 1] for min-max scaled images): never further from a
   * target inside the range than PCA's own. Needs a last decoder hidden layer of at least 2 x features units.
   */
  clip?: [number, number];
}

/** Layers that carry no weights and leave a dense stack's values as they are (flatten/reshape of one sample). */
const PASS_THROUGH = new Set<Layer['type']>(['flatten', 'reshape']);

function refuse(spec: ModelSpec, needs: string): never {
  throw new OptionError(`PCA warm start of model "${spec.name}": ${needs}`, {
    details: { model: spec.name },
  });
}

/** The dense layers of one half of the spec, in order, with their weight-name prefixes; anything else is refused. */
function denseStack(
  spec: ModelSpec,
  half: 'encoder' | 'decoder',
): { prefix: string; layer: Layer & { type: 'dense' } }[] {
  return spec[half].flatMap((layer, i) => {
    if (PASS_THROUGH.has(layer.type)) return [];
    if (layer.type !== 'dense') {
      return refuse(
        spec,
        `its ${half} has a ${layer.type} layer (${half}.${i}); it needs dense layers only (flatten and reshape allowed), as dense and deep build`,
      );
    }
    if (!layer.useBias)
      refuse(spec, `its dense layer ${half}.${i} has no bias; it needs biases to hold the mean`);
    return [{ prefix: `${half}.${i}`, layer }];
  });
}

/**
 * The initial weights of a dense-family autoencoder that reconstructs exactly as PCA with k components
 * does: x -> mean + Uᵀ·U·(x - mean) for the k principal axes U (`pca.components`), before any training.
 *
 * Works on `deepAutoencoder` / `denseAutoencoder` specs with a linear code of k values, a linear output,
 * and ReLU hidden layers of at least 2k units. Through ReLU(u) - ReLU(-u) = u a ReLU layer
 * carries the k code values as k pairs [ReLU(u), ReLU(-u)]: the first hidden layer computes u = U·(x - mean)
 * (kernel [Uᵀ, -Uᵀ], bias [-U·mean, U·mean]), further hidden layers pass the pairs through (identity
 * blocks), the code layer takes [I; -I]; the decoder mirrors it and its output layer adds the mean back.
 * Hidden units beyond the 2k pair units keep their random input weights (`initialWeights(spec, seed)`)
 * and get zero weights into every pair unit, the code and the output, so they start with no effect
 * and training can grow them into nonlinear corrections. Every other weight comes from `initialWeights`.
 *
 * With `clip: [lo, hi]` the last decoder hidden layer (at least 2 x features units) holds
 * [ReLU(y - lo), ReLU(y - hi)] of PCA's reconstruction y and the output is lo + ReLU(y - lo) - ReLU(y - hi),
 * PCA's reconstruction clipped to [lo, hi].
 *
 * Throws an OptionError naming the model and what it needs for a spec it cannot start at PCA (conv or
 * Gaussian latent, a nonlinear code or output, a hidden layer of fewer than 2k units, another activation).
 */
export function pcaWarmStart(
  spec: ModelSpec,
  pca: PcaSolution,
  seed: number,
  options: PcaWarmStartOptions = {},
): NamedTensor[] {
  const features = shapeSize(spec.inputShape);
  if (spec.latent.type !== 'deterministic') {
    refuse(
      spec,
      'its code is Gaussian (a VAE); it needs a deterministic linear code, as dense and deep build',
    );
  }
  if (spec.outputShape && shapeSize(spec.outputShape) !== features) {
    refuse(spec, 'its output differs from its input; it needs an autoencoder of its input');
  }
  if (pca.mean.length !== features || pca.components.length % features !== 0) {
    throw new OptionError(
      `PCA warm start of model "${spec.name}": the PCA has ${pca.mean.length} features (${pca.components.length} component values), the model ${features}; fit the PCA on the model's own samples`,
      { details: { model: spec.name, expected: features, actual: pca.mean.length } },
    );
  }
  const k = pca.components.length / features;
  const encoder = denseStack(spec, 'encoder');
  const decoder = denseStack(spec, 'decoder');
  const code = encoder.at(-1);
  const output = decoder.at(-1);
  if (!code || !output) refuse(spec, 'it needs a dense code layer and a dense output layer');
  if (code.layer.units !== k) {
    refuse(
      spec,
      `its code has ${code.layer.units} values but the PCA ${k} components; fit the PCA with as many`,
    );
  }
  if (code.layer.activation !== 'linear') {
    refuse(spec, `its code is ${code.layer.activation}; it needs a linear code (latentActivation: 'linear')`);
  }
  if (output.layer.activation !== 'linear') {
    refuse(
      spec,
      `its output is ${output.layer.activation}; it needs a linear output (outputActivation: 'linear')`,
    );
  }
  if (output.layer.units !== features)
    refuse(spec, `its output layer has ${output.layer.units} units, not ${features}`);
  const hidden = [...encoder.slice(0, -1), ...decoder.slice(0, -1)];
  for (const h of hidden) {
    if (h.layer.activation !== 'relu') {
      refuse(
        spec,
        `its hidden layer ${h.prefix} is ${h.layer.activation}; it needs ReLU hidden layers (activation: 'relu')`,
      );
    }
    if (h.layer.units < 2 * k) {
      refuse(
        spec,
        `its hidden layer ${h.prefix} has ${h.layer.units} units; it needs at least 2k = ${2 * k} to carry the ${k} code values through ReLU pairs (hidden sizes >= ${2 * k}, or a smaller code)`,
      );
    }
  }

  const weights = initialWeights(spec, seed);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const tensor = (name: string): Float32Array => byName.get(name)!.data as Float32Array;
  const u = (c: number, j: number) => Number(pca.components[c * features + j]);
  // U·mean, the code of the mean sample.
  const uMean = Array.from({ length: k }, (_, c) => {
    let s = 0;
    for (let j = 0; j < features; j++) s += u(c, j) * Number(pca.mean[j]);
    return s;
  });

  // With `clip`, the last decoder hidden layer computes [ReLU(y - lo), ReLU(y - hi)] of PCA's reconstruction
  // y, and the output lo + ReLU(y - lo) - ReLU(y - hi) = clip(y, lo, hi).
  const clipAt = options.clip && decoder.at(-2);
  if (options.clip) {
    const [lo, hi] = options.clip;
    if (!(lo < hi)) refuse(spec, `clip [${lo}, ${hi}] is empty; give [low, high] with low < high`);
    if (!clipAt || clipAt.layer.units < 2 * features) {
      refuse(
        spec,
        `clipping its output needs a last decoder hidden layer of at least 2 x ${features} units (one pair per output value), it has ${clipAt ? `${clipAt.layer.units} (${clipAt.prefix})` : 'none'}`,
      );
    }
  }

  // Walk the dense layers in order. `from` describes the previous layer's output: the input, the code, a
  // hidden layer whose first 2k units hold the pairs [ReLU(v), ReLU(-v)] of the k values v carried, or
  // the clip layer.
  type From = 'input' | 'code' | 'pairs' | 'clip';
  let from: From = 'input';
  let inputs = features;
  for (const { prefix, layer } of [...encoder, ...decoder]) {
    const kernel = tensor(`${prefix}.kernel`);
    const bias = tensor(`${prefix}.bias`);
    const units = layer.units;
    // Sources of v (the k values carried) in this layer's input: a weight per (input row, value c).
    const carried = (row: number, c: number): number => {
      if (from === 'input') return u(c, row);
      if (from === 'code') return row === c ? 1 : 0;
      return row === c ? 1 : row === k + c ? -1 : 0;
    };
    // Weight of input `row` in y_j = mean_j + Σ_c v_c U_cj, PCA's reconstruction of value j.
    const toReconstruction = (row: number, j: number): number => {
      let w = 0;
      for (let c = 0; c < k; c++) w += carried(row, c) * u(c, j);
      return w;
    };
    // Rows of the input that feed nothing yet: the extra hidden units of the previous layer.
    const carrying = (row: number) =>
      from === 'pairs' ? row < 2 * k : from === 'clip' ? row < 2 * features : true;
    const isCode = prefix === code.prefix;
    const isOutput = prefix === output.prefix;
    const isClip = prefix === clipAt?.prefix;
    const set = isClip ? 2 * features : isCode || isOutput ? units : 2 * k;
    for (let row = 0; row < inputs; row++) {
      for (let col = 0; col < set; col++) {
        let w = 0;
        if (carrying(row)) {
          if (isOutput && from === 'clip') w = row === col ? 1 : row === features + col ? -1 : 0;
          else if (isOutput) w = toReconstruction(row, col);
          else if (isClip) w = toReconstruction(row, col % features);
          else if (isCode) w = carried(row, col);
          else w = col < k ? carried(row, col) : -carried(row, col - k);
        }
        kernel[row * units + col] = w;
      }
    }
    const shift = from === 'input' ? uMean : undefined;
    if (isOutput) {
      for (let j = 0; j < units; j++) bias[j] = from === 'clip' ? options.clip![0] : Number(pca.mean[j]);
    } else if (isClip) {
      const [lo, hi] = options.clip!;
      for (let j = 0; j < features; j++) {
        bias[j] = Number(pca.mean[j]) - lo;
        bias[features + j] = Number(pca.mean[j]) - hi;
      }
    } else if (isCode) {
      for (let c = 0; c < units; c++) bias[c] = shift ? -shift[c]! : 0;
    } else {
      for (let c = 0; c < k; c++) {
        bias[c] = shift ? -shift[c]! : 0;
        bias[k + c] = shift ? shift[c]! : 0;
      }
    }
    from = isCode ? 'code' : isClip ? 'clip' : isOutput ? 'input' : 'pairs';
    inputs = units;
  }
  return weights;
}
