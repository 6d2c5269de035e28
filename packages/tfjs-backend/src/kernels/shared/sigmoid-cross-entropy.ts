import {
  SigmoidCrossEntropy,
  type SigmoidCrossEntropyAttrs,
  SigmoidCrossEntropyGrad,
} from '../custom-kernels.js';
import type { CrossEntropyDefinition } from './cross-entropy.js';

/**
 * Binary cross-entropy of s = sigmoid(z) against targets y, from the logits z, summed over every value
 * (float64): max(z, 0) - z y + log(1 + e^-|z|), which equals -(y log s + (1 - y) log(1 - s)) without
 * overflow or clipping (PyTorch's BCEWithLogitsLoss, Keras' from_logits).
 */
export function sigmoidCrossEntropySum(z: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    sum += Math.max(v, 0) - v * y[i]! + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return sum;
}

/** Gradient of `scale * sigmoidCrossEntropySum` w.r.t. z into `dz`: scale * (sigmoid(z) - y). */
export function sigmoidCrossEntropyGradInto(
  z: Float32Array,
  y: Float32Array,
  scale: number,
  dz: Float32Array,
): void {
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    const e = Math.exp(-Math.abs(v));
    dz[i] = scale * ((v >= 0 ? 1 : e) / (1 + e) - y[i]!);
  }
}

export const sigmoidCrossEntropy: CrossEntropyDefinition<SigmoidCrossEntropyAttrs> = {
  kernelName: SigmoidCrossEntropy,
  gradKernelName: SigmoidCrossEntropyGrad,
  input: 'z',
  sum: (z, y) => sigmoidCrossEntropySum(z, y),
  gradInto: (z, y, scale, _attrs, dz) => sigmoidCrossEntropyGradInto(z, y, scale, dz),
};
