import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FusedConv2D, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2DBias, type Conv2DBiasAttrs } from '../custom-kernels.js';
import { callKernel } from './wasm-ops.js';

/**
 * A conv2d layer's forward pass on wasm: the backend's own `FusedConv2D` kernel (one XNNPACK convolution
 * with the bias and the ReLU's clamp in it), called directly with one gradient function (conv-gradient.ts)
 * instead of three ops and their three gradients.
 */
function conv2dBias(args: {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBiasAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias } = inputs;
  return callKernel(FusedConv2D, backend, bias ? { x, filter, bias } : { x, filter }, {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation: attrs.activation,
    leakyreluAlpha: 0,
  });
}

export const conv2dBiasConfig: KernelConfig = {
  kernelName: Conv2DBias,
  backendName: 'wasm',
  kernelFunc: conv2dBias as unknown as KernelFunc,
};
