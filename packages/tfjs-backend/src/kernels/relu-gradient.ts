import {
  cast,
  engine,
  type GradConfig,
  getGradient,
  getKernel,
  mul,
  Relu,
  registerGradient,
  step,
  type Tensor,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { ReluGrad } from './custom-kernels.js';

let stockGradient: GradConfig | undefined;

const gradConfig: GradConfig = {
  kernelName: Relu,
  inputsToSave: ['x'],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [x] = saved as [Tensor];
    if (getKernel(ReluGrad, engine().backendName) !== undefined && x.dtype === 'float32') {
      return { x: () => engine().runKernel(ReluGrad, { dy, x }) as Tensor };
    }
    // Backends without aekit's kernel (tfjs-node, webgl, ...): tfjs's own composition.
    if (stockGradient !== undefined) return stockGradient.gradFunc(dyOrList, saved, attrs);
    return { x: () => mul(dy, cast(step(x), 'float32')) };
  },
};

// ReluGrad is linear in dy with a zero derivative in x (almost everywhere), so double backpropagation
// (the contractive penalty's gradient) differentiates it with itself.
const reluGradGradConfig: GradConfig = {
  kernelName: ReluGrad,
  inputsToSave: ['x'],
  gradFunc: (ddxOrList, saved) => {
    const ddx = ddxOrList as Tensor;
    const [x] = saved as [Tensor];
    return {
      dy: () => engine().runKernel(ReluGrad, { dy: ddx, x }) as Tensor,
      x: () => zerosLike(x),
    };
  },
};

/**
 * Makes ReLU's gradient one kernel on backends that have aekit's ReluGrad (cpu, wasm) and leaves it
 * tfjs's own elsewhere. Call it after tfjs's gradients are registered; calling it again is a no-op.
 */
export function registerReluGradient(): void {
  if (getGradient(ReluGrad) === undefined) registerGradient(reluGradGradConfig);
  const current = getGradient(Relu);
  if (current === gradConfig) return;
  stockGradient = current;
  registerGradient(gradConfig);
}
