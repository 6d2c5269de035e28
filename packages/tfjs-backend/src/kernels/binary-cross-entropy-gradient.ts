import {
  clipByValue,
  div,
  engine,
  type GradConfig,
  getGradient,
  log,
  mul,
  registerGradient,
  sub,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  BinaryCrossEntropy,
  type BinaryCrossEntropyAttrs,
  BinaryCrossEntropyGrad,
} from './custom-kernels.js';

const gradConfig: GradConfig = {
  kernelName: BinaryCrossEntropy,
  inputsToSave: ['p', 'y'],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [p, y] = saved as [Tensor, Tensor];
    const { epsilon, divisor } = attrs as unknown as BinaryCrossEntropyAttrs;
    return {
      p: () =>
        engine().runKernel(
          BinaryCrossEntropyGrad,
          { dy, p, y },
          attrs as unknown as Record<string, number>,
        ) as Tensor,
      // Targets are constants in training; this branch exists for completeness: d/dy = log(1 - pc) - log(pc).
      y: () => {
        const pc = clipByValue(p, epsilon, 1 - epsilon);
        return mul(div(dy, divisor), sub(log(sub(1, pc)), log(pc)));
      },
    };
  },
};

/** Registers the gradient of aekit's BinaryCrossEntropy kernel with tfjs-core (once). */
export function registerBinaryCrossEntropyGradient(): void {
  if (getGradient(BinaryCrossEntropy) === undefined) registerGradient(gradConfig);
}
