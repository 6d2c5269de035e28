import {
  engine,
  type GradConfig,
  getGradient,
  matMul,
  mul,
  registerGradient,
  sub,
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
    // ReLU's output is positive exactly where its input is; the sigmoid's derivative is y (1 - y).
    const { activation } = attrs as unknown as DenseAttrs;
    const dz =
      activation === 'relu'
        ? (engine().runKernel(ReluGrad, { dy, x: y }) as Tensor)
        : activation === 'sigmoid'
          ? mul(dy, mul(y, sub(1, y)))
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
