import {
  engine,
  type GradConfig,
  getGradient,
  matMul,
  registerGradient,
  sum,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { Dense, type DenseAttrs, ReluGrad } from './custom-kernels.js';

// Every op here has a gradient (ReluGrad's own included), so the gradient can be differentiated again.
const gradConfig: GradConfig = {
  kernelName: Dense,
  inputsToSave: ['x', 'kernel'],
  outputsToSave: [true],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [x, kernel, y] = saved as [Tensor, Tensor, Tensor];
    // ReLU's output is positive exactly where its input is.
    const dz =
      (attrs as unknown as DenseAttrs).activation === 'relu'
        ? (engine().runKernel(ReluGrad, { dy, x: y }) as Tensor)
        : dy;
    return {
      x: () => matMul(dz, kernel, false, true),
      kernel: () => matMul(x, dz, true, false),
      bias: () => sum(dz, 0),
    };
  },
};

/** Registers the gradient of aekit's Dense kernel with tfjs-core (once). */
export function registerDenseGradient(): void {
  if (getGradient(Dense) === undefined) registerGradient(gradConfig);
}
