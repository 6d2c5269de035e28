import type { AdamUpdateAttrs } from '../custom-kernels.js';

/**
 * One Adam step over a parameter's values, the same arithmetic as tfjs' AdamOptimizer in one pass:
 * m' = b1 m + (1 - b1) g, v' = b2 v + (1 - b2) g², param' = param - lr (m' / c1) / (sqrt(v' / c2) + eps)
 * with c1 = 1 - accBeta1, c2 = 1 - accBeta2 (accBeta = beta^(step + 1) before this step).
 */
export function adamUpdateInto(
  input: { param: Float32Array; m: Float32Array; v: Float32Array; gradient: Float32Array },
  output: { param: Float32Array; m: Float32Array; v: Float32Array },
  attrs: AdamUpdateAttrs,
  accBeta1: number,
  accBeta2: number,
): void {
  const { learningRate, beta1, beta2, epsilon } = attrs;
  const c1 = 1 - accBeta1;
  const c2 = 1 - accBeta2;
  const { param, m, v, gradient } = input;
  for (let i = 0; i < param.length; i++) {
    const g = gradient[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    output.m[i] = mi;
    output.v[i] = vi;
    output.param[i] = param[i]! - (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
  }
}
