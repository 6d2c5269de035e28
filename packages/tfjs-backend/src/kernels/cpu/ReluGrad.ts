import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ReluGrad } from '../custom-kernels.js';
import { reluGradInto } from '../shared/relu-grad.js';

function reluGrad(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: MathBackendCPU }): TensorInfo {
  const { inputs, backend } = args;
  const x = backend.readSync(inputs.x.dataId) as Float32Array;
  const dx = new Float32Array(x.length);
  reluGradInto(backend.readSync(inputs.dy.dataId) as Float32Array, x, dx);
  return backend.makeTensorInfo(inputs.x.shape, 'float32', dx);
}

export const reluGradConfig: KernelConfig = {
  kernelName: ReluGrad,
  backendName: 'cpu',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
