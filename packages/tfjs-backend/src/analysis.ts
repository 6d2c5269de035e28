import { type Autoencoder, batchCount, createRng, inferShapes, OptionError, shapeSize } from '@aekit/core';
import { TfjsModel } from './tfjs-model.js';

/**
 * Mean over the batch of ||dz/dx||_F^2, the squared Frobenius norm of the encoder's Jacobian (code with
 * respect to input), computed exactly in inference mode: closed form for a single dense sigmoid encoder,
 * else one backward pass per code unit. `x` holds stacked samples of the model's input shape.
 */
export async function jacobianFrobenius(
  model: Autoencoder,
  x: Float32Array,
  options: { batchSize?: number } = {},
): Promise<number> {
  if (!(model instanceof TfjsModel)) {
    throw new OptionError(
      'jacobianFrobenius needs a model of @aekit/tfjs-backend (createTfjsBackend().createModel or loadTrainableModel); got another kind of Autoencoder',
    );
  }
  await model.activate();
  const shape = model.inputShape;
  const n = batchCount(x, shape, 'jacobianFrobenius input');
  if (n === 0) throw new OptionError('jacobianFrobenius: the batch holds no samples');
  const per = shapeSize(shape);
  const batchSize = options.batchSize ?? 128;
  const { tf } = model;
  let sum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const value = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * per, end * per), [end - start, ...shape]);
      const ctx = model.context();
      const code = model.network.encode(ctx, xs).code;
      return model.network.jacobianNorm(ctx, xs, code, true);
    });
    sum += ((await value.data())[0] ?? 0) * (end - start);
    value.dispose();
  }
  return sum / n;
}

/** `count` codes drawn from the prior N(0, I) in the model's latent shape (decode them to generate samples). */
export function sampleLatent(model: Pick<Autoencoder, 'spec'>, count: number, seed = 0): Float32Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new OptionError(`sampleLatent: count must be a non-negative integer, got ${count}`);
  }
  const rng = createRng(seed);
  const out = new Float32Array(count * shapeSize(inferShapes(model.spec).latent));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}
