import {
  FusedConv2D,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { Conv2DBias, type Conv2DBiasAttrs } from './custom-kernels.js';

/**
 * aekit's Conv2DBias kernel for a backend: the backend's own `FusedConv2D` kernel (on wasm, one XNNPACK
 * convolution with the bias and the ReLU's clamp in it), called directly with one gradient function
 * (conv-gradient.ts) instead of three ops and their three gradients.
 */
export function conv2dBiasConfig(backendName: 'wasm'): KernelConfig {
  const conv = (args: {
    inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    backend: KernelBackend;
    attrs: Conv2DBiasAttrs;
  }): TensorInfo => {
    const config = getKernel(FusedConv2D, backendName);
    if (config === undefined)
      throw new Error(`internal: the ${backendName} backend has no ${FusedConv2D} kernel`);
    const { inputs, backend, attrs } = args;
    return (config.kernelFunc as KernelFunc)({
      inputs,
      backend,
      attrs: {
        strides: attrs.strides,
        pad: attrs.pad,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
        activation: attrs.activation,
        leakyreluAlpha: 0,
      },
    } as never) as TensorInfo;
  };
  return { kernelName: Conv2DBias, backendName, kernelFunc: conv as unknown as KernelFunc };
}
