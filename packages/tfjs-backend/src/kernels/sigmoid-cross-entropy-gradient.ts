import {
  engine,
  type GradConfig,
  getGradient,
  mul,
  neg,
  registerGradient,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  SigmoidCrossEntropy,
  type SigmoidCrossEntropyAttrs,
  SigmoidCrossEntropyGrad,
} from './custom-kernels.js';

const gradConfig: GradConfig = {
  kernelName: SigmoidCrossEntropy,
  inputsToSave: ['z', 'y'],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [z, y] = saved as [Tensor, Tensor];
    const { divisor } = attrs as unknown as SigmoidCrossEntropyAttrs;
    return {
      z: () =>
        engine().runKernel(
          SigmoidCrossEntropyGrad,
          { dy, z, y },
          attrs as unknown as Record<string, number>,
        ) as Tensor,
      // Targets are constants in training; this branch exists for completeness: d/dy = -z.
      y: () => mul(mul(dy, 1 / divisor), neg(z)),
    };
  },
};

/** Registers the gradient of aekit's SigmoidCrossEntropy kernel with tfjs-core (once). */
export function registerSigmoidCrossEntropyGradient(): void {
  if (getGradient(SigmoidCrossEntropy) === undefined) registerGradient(gradConfig);
}
