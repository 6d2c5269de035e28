import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2DTransposeBias, type Conv2DTransposeBiasAttrs } from '../custom-kernels.js';
import { transposedConvolution } from './Conv2DBackpropInput.js';

/**
 * A Conv2DTranspose layer's forward pass on wasm: Conv2DBackpropInput with the bias and the ReLU's clamp
 * applied inside aekit's kernel, image by image while the images are in cache (conv2d_transpose.c), where
 * tfjs runs Add and Relu over the whole output after it.
 */
function conv2dTransposeBias(args: {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DTransposeBiasAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  return transposedConvolution(
    backend,
    inputs.x,
    inputs.filter,
    { inputShape: attrs.outputShape, strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC' },
    {
      bias: inputs.bias,
      lo: attrs.activation === 'relu' ? 0 : Number.NEGATIVE_INFINITY,
      hi: Number.POSITIVE_INFINITY,
    },
  );
}

export const conv2dTransposeBiasConfig: KernelConfig = {
  kernelName: Conv2DTransposeBias,
  backendName: 'wasm',
  kernelFunc: conv2dTransposeBias as unknown as KernelFunc,
};
