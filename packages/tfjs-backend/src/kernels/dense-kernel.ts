import {
  _FusedMatMul,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  Reshape,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { Dense, type DenseAttrs } from './custom-kernels.js';

/**
 * aekit's Dense kernel for a backend: the backend's own `_FusedMatMul` kernel (on wasm, aekit's SIMD one,
 * which fuses the bias and the ReLU) on rank-3 views of the operands, called directly rather than through
 * tfjs' fused op, which records reshapes and its own gradient around it.
 */
export function denseConfig(backendName: 'cpu' | 'wasm'): KernelConfig {
  const run = (name: string, backend: KernelBackend, inputs: object, attrs: object) => {
    const config = getKernel(name, backendName);
    if (config === undefined) throw new Error(`internal: the ${backendName} backend has no ${name} kernel`);
    return (config.kernelFunc as KernelFunc)({ inputs, backend, attrs } as never) as TensorInfo;
  };
  const dense = (args: {
    inputs: { x: TensorInfo; kernel: TensorInfo; bias?: TensorInfo };
    backend: KernelBackend;
    attrs: DenseAttrs;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const [batch, units] = [inputs.x.shape[0]!, inputs.kernel.shape[1]!];
    const view = (t: TensorInfo, shape: number[]) => run(Reshape, backend, { x: t }, { shape });
    const a = view(inputs.x, [1, ...inputs.x.shape]);
    const b = view(inputs.kernel, [1, ...inputs.kernel.shape]);
    const product = run(_FusedMatMul, backend, inputs.bias ? { a, b, bias: inputs.bias } : { a, b }, {
      transposeA: false,
      transposeB: false,
      activation: attrs.activation,
      leakyreluAlpha: 0,
    });
    const out = view(product, [batch, units]);
    for (const t of [a, b, product]) backend.disposeData(t.dataId);
    return out;
  };
  return { kernelName: Dense, backendName, kernelFunc: dense as unknown as KernelFunc };
}
