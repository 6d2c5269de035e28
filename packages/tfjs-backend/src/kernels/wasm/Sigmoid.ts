import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, Sigmoid, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, nativeKernels } from './native.js';

/**
 * Sigmoid with aekit's SIMD kernel (native/sigmoid.c), a single pass at about the speed of a memory copy,
 * where the stock wasm kernel takes about five times as long; the stock kernel without the module. Its
 * gradient stays tfjs's own, from the output.
 */
function sigmoid(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  const native = nativeKernels(backend);
  if (native === null || x.dtype !== 'float32')
    return requireStockKernel(Sigmoid, 'wasm').kernelFunc(args as never) as TensorInfo;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = util.sizeFromShape(x.shape);
  if (n > 0) native.sigmoid(addressOf(backend, x), addressOf(backend, out), n);
  return out;
}

export const sigmoidConfig: KernelConfig = {
  kernelName: Sigmoid,
  backendName: 'wasm',
  kernelFunc: sigmoid as unknown as KernelFunc,
};
