import type { Regularizer } from '@aekit/core';
import type { Tensor, Tf } from '../tf.js';

type Of<T extends Regularizer['type']> = Extract<Regularizer, { type: T }>;

/** Code activations are clipped to [KL_EPSILON, 1 - KL_EPSILON] in the KL sparsity penalty. */
export const KL_EPSILON = 1e-7;

/** weight * mean over the batch of sum |z| (z flattened per sample). */
export function l1Activity(tf: Tf, r: Of<'l1Activity'>, code: Tensor): Tensor {
  return tf.mul(r.weight, tf.mean(tf.sum(tf.abs(tf.reshape(code, [code.shape[0]!, -1])), 1)));
}

/**
 * weight * sum_j KL(rho || rho_hat_j), rho_hat_j the mean activation of code unit j over the batch:
 * rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)).
 */
export function klSparsity(tf: Tf, r: Of<'klSparsity'>, code: Tensor): Tensor {
  const rhoHat = tf.clipByValue(
    tf.mean(tf.reshape(code, [code.shape[0]!, -1]), 0),
    KL_EPSILON,
    1 - KL_EPSILON,
  );
  const rho = r.rho;
  const kl = tf.add(
    tf.mul(rho, tf.log(tf.div(rho, rhoHat))),
    tf.mul(1 - rho, tf.log(tf.div(1 - rho, tf.sub(1, rhoHat)))),
  );
  return tf.mul(r.weight, tf.sum(kl));
}

/** weight * sum of squares of every kernel. */
export function l2Weights(tf: Tf, r: Of<'l2Weights'>, kernels: readonly Tensor[]): Tensor {
  if (kernels.length === 0) return tf.scalar(0);
  return tf.mul(r.weight, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))));
}

/**
 * Closed-form ||dh/dx||_F^2 of a single dense sigmoid layer h = sigmoid(xW + b), averaged over the batch:
 * sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 (Rifai et al. 2011).
 */
export function sigmoidDenseJacobianNorm(tf: Tf, h: Tensor, kernel: Tensor): Tensor {
  const dh = tf.square(tf.mul(h, tf.sub(1, h)));
  const w2 = tf.sum(tf.square(kernel), 0);
  return tf.mean(tf.sum(tf.mul(dh, w2), 1));
}
