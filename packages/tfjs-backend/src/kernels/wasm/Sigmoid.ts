import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, Sigmoid, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, nativeKernels } from './native.js';

/**
 * Sigmoid with aekit's SIMD kernel (native/sigmoid.c, about half the time of the stock XNNPACK kernel); the
 * stock kernel without the module or for other dtypes. Its gradient stays tfjs's own, from the output.
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
