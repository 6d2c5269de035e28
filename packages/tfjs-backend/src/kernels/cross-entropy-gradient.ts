import {
  clipByValue,
  div,
  engine,
  type GradConfig,
  getGradient,
  log,
  mul,
  neg,
  registerGradient,
  sub,
  type Tensor,
} from '@tensorflow/tfjs-core';
import type { BinaryCrossEntropyAttrs, SigmoidCrossEntropyAttrs } from './custom-kernels.js';
import { binaryCrossEntropy } from './shared/binary-cross-entropy.js';
import type { CrossEntropyDefinition } from './shared/cross-entropy.js';
import { sigmoidCrossEntropy } from './shared/sigmoid-cross-entropy.js';

/**
 * The gradient of a cross-entropy kernel: its gradient kernel for the predictions, and `targetGradient`
 * for the targets (constants in training; that branch exists for completeness).
 */
function crossEntropyGradient<A extends { divisor: number }>(
  def: CrossEntropyDefinition<A>,
  targetGradient: (dy: Tensor, x: Tensor, attrs: A) => Tensor,
): GradConfig {
  return {
    kernelName: def.kernelName,
    inputsToSave: [def.input, 'y'],
    gradFunc: (dyOrList, saved, attrs) => {
      const dy = dyOrList as Tensor;
      const [x, y] = saved as [Tensor, Tensor];
      return {
        [def.input]: () => engine().runKernel(def.gradKernelName, { dy, [def.input]: x, y }, attrs) as Tensor,
        y: () => targetGradient(dy, x, attrs as unknown as A),
      };
    },
  };
}

const gradConfigs = [
  // d/dy = log(1 - pc) - log(pc), pc the clipped probabilities.
  crossEntropyGradient<BinaryCrossEntropyAttrs>(binaryCrossEntropy, (dy, p, { epsilon, divisor }) => {
    const pc = clipByValue(p, epsilon, 1 - epsilon);
    return mul(div(dy, divisor), sub(log(sub(1, pc)), log(pc)));
  }),
  // d/dy = -z.
  crossEntropyGradient<SigmoidCrossEntropyAttrs>(sigmoidCrossEntropy, (dy, z, { divisor }) =>
    mul(mul(dy, 1 / divisor), neg(z)),
  ),
];

/** Registers the gradients of aekit's cross-entropy kernels with tfjs-core (once). */
export function registerCrossEntropyGradients(): void {
  for (const config of gradConfigs) {
    if (getGradient(config.kernelName) === undefined) registerGradient(config);
  }
}
