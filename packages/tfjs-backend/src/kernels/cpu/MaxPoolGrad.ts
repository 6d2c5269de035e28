import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { maxPoolGradInfo, maxPoolGradInto } from '../shared/max-pool-grad.js';

/** MaxPoolGrad for the CPU backend: one pass over the windows, channel-contiguous inner loop. */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: MathBackendCPU;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = maxPoolGradInfo(input, attrs);
  const dx = new Float32Array(input.shape.reduce((a, b) => a * b, 1));
  maxPoolGradInto(
    backend.readSync(input.dataId) as Float32Array,
    backend.readSync(dy.dataId) as Float32Array,
    dx,
    info,
  );
  return backend.makeTensorInfo(input.shape, 'float32', dx);
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'cpu',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
