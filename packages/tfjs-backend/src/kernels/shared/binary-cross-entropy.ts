import {
  BinaryCrossEntropy,
  type BinaryCrossEntropyAttrs,
  BinaryCrossEntropyGrad,
} from '../custom-kernels.js';
import type { CrossEntropyDefinition } from './cross-entropy.js';

/**
 * Binary cross-entropy of probabilities `p` against targets `y`, summed over every value:
 * -(y log pc + (1 - y) log(1 - pc)) with pc = p clipped to [epsilon, 1 - epsilon] (as Keras). The clip
 * bounds are float32, as tfjs' clipByValue sees them; the sum is float64.
 */
export function binaryCrossEntropySum(p: Float32Array, y: Float32Array, epsilon: number): number {
  const lo = Math.fround(epsilon);
  const hi = Math.fround(1 - epsilon);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    let q = p[i]!;
    if (q < lo) q = lo;
    else if (q > hi) q = hi;
    const t = y[i]!;
    // Binary targets (most pixels of MNIST-like images) need one logarithm, not two: the same value.
    if (t === 0) sum -= Math.log(1 - q);
    else if (t === 1) sum -= Math.log(q);
    else sum -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
  }
  return sum;
}

/**
 * Gradient of `scale * binaryCrossEntropySum` w.r.t. p into `dp`: scale * (p - y) / (p (1 - p)) where p
 * lies inside the clip bounds (bounds included) and 0 outside, as the gradient of tfjs' clipByValue.
 */
export function binaryCrossEntropyGradInto(
  p: Float32Array,
  y: Float32Array,
  scale: number,
  epsilon: number,
  dp: Float32Array,
): void {
  const lo = Math.fround(epsilon);
  const hi = Math.fround(1 - epsilon);
  for (let i = 0; i < p.length; i++) {
    const q = p[i]!;
    dp[i] = q >= lo && q <= hi ? (scale * (q - y[i]!)) / (q * (1 - q)) : 0;
  }
}

export const binaryCrossEntropy: CrossEntropyDefinition<BinaryCrossEntropyAttrs> = {
  kernelName: BinaryCrossEntropy,
  gradKernelName: BinaryCrossEntropyGrad,
  input: 'p',
  sum: (p, y, attrs) => binaryCrossEntropySum(p, y, attrs.epsilon),
  gradInto: (p, y, scale, attrs, dp) => binaryCrossEntropyGradInto(p, y, scale, attrs.epsilon, dp),
};
