import type { ReconstructionLoss } from '@aekit/core';
import {
  BinaryCrossEntropy,
  type BinaryCrossEntropyAttrs,
  SigmoidCrossEntropy,
  type SigmoidCrossEntropyAttrs,
} from '../kernels/custom-kernels.js';
import type { Tensor, Tf } from '../tf.js';

/** Probabilities are clipped to [BCE_EPSILON, 1 - BCE_EPSILON] before the logarithms (as Keras). */
export const BCE_EPSILON = 1e-7;

/**
 * Reconstruction loss of a batch: per-value bce/mse/l1, then 'mean' over every value, or 'sum' over each
 * sample's values averaged over the batch.
 */
export function reconstructionLoss(
  tf: Tf,
  loss: ReconstructionLoss,
  prediction: Tensor,
  target: Tensor,
): Tensor {
  if (loss.reconstruction === 'bce' && tf.getKernel(BinaryCrossEntropy, tf.getBackend()) !== undefined) {
    // One fused kernel (and one for its gradient) where aekit registered it: the same value as below.
    const attrs: BinaryCrossEntropyAttrs = {
      epsilon: BCE_EPSILON,
      divisor: loss.reduction === 'mean' ? prediction.size : prediction.shape[0]!,
    };
    return tf.engine().runKernel(BinaryCrossEntropy, { p: prediction, y: target }, { ...attrs }) as Tensor;
  }
  let perValue: Tensor;
  switch (loss.reconstruction) {
    case 'bce': {
      const p = tf.clipByValue(prediction, BCE_EPSILON, 1 - BCE_EPSILON);
      perValue = tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))));
      break;
    }
    case 'mse':
      perValue = tf.squaredDifference(prediction, target);
      break;
    case 'l1':
      perValue = tf.abs(tf.sub(prediction, target));
      break;
  }
  if (loss.reduction === 'mean') return tf.mean(perValue);
  return tf.mean(tf.sum(tf.reshape(perValue, [perValue.shape[0]!, -1]), 1));
}

/**
 * Binary cross-entropy of sigmoid(logits) against the targets, reduced as `reconstructionLoss`:
 * max(z, 0) - z y + log(1 + e^-|z|) per value, the same value as 'bce' on the sigmoid's output without
 * its clipping (which only matters where |z| > 16). One kernel and one gradient kernel where aekit
 * registered them, else tfjs ops (softplus is overflow-safe, and its gradient is the sigmoid).
 */
export function sigmoidCrossEntropyLoss(
  tf: Tf,
  reduction: ReconstructionLoss['reduction'],
  logits: Tensor,
  target: Tensor,
): Tensor {
  const divisor = reduction === 'mean' ? logits.size : logits.shape[0]!;
  if (tf.getKernel(SigmoidCrossEntropy, tf.getBackend()) !== undefined) {
    const attrs: SigmoidCrossEntropyAttrs = { divisor };
    return tf.engine().runKernel(SigmoidCrossEntropy, { z: logits, y: target }, { ...attrs }) as Tensor;
  }
  return tf.div(tf.sum(tf.sub(tf.softplus(logits), tf.mul(logits, target))), divisor);
}

/** KL(q(z|x) || N(0, I)) = -0.5 * sum(1 + logVar - mean^2 - exp(logVar)) per sample, averaged over the batch. */
export function gaussianKl(tf: Tf, mean: Tensor, logVar: Tensor): Tensor {
  const perSample = tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1);
  return tf.mul(-0.5, tf.mean(perSample));
}
