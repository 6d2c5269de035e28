import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';

/**
 * Identity that shares the input's memory (a reference count, as the wasm Reshape and the cpu backend's
 * Identity do) instead of copying it. tfjs clones every tensor it saves for the backward pass, so the
 * stock copy costs a full pass over each saved activation per training step.
 */
function identity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  if (x.dtype === 'string')
    return requireStockKernel(Identity, 'wasm').kernelFunc(args as never) as TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
