import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { conv2dExplicit, dispose } from './wasm-ops.js';

/**
 * Input gradient of a stride-1 2-D convolution as one XNNPACK convolution of `dy` with the filter rotated
 * by 180 degrees and its channel axes swapped (the stock wasm kernel is a scalar loop). Strided
 * convolutions (and Conv2DTranspose) use the stock kernel.
 */
export function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight - info.outHeight + info.filterHeight - 1 - top;
  const right = info.inWidth - info.outWidth + info.filterWidth - 1 - left;
  if (
    info.strideHeight !== 1 ||
    info.strideWidth !== 1 ||
    info.dataFormat !== 'channelsLast' ||
    Math.min(top, left, bottom, right) < 0
  ) {
    const stock = requireStockKernel(Conv2DBackpropInput, 'wasm');
    return (stock.kernelFunc as KernelFunc)(args as never) as TensorInfo;
  }
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const rotated = backend.makeOutput([kh, kw, co, ci], 'float32');
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const r = backend.typedArrayFromHeap(rotated) as Float32Array;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const dst = (i * kw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) r[dst + o * ci + c] = w[src + c * co + o] as number;
      }
    }
  }
  const dx = conv2dExplicit(backend, {
    x: dy,
    filter: rotated,
    pads: { top, left, bottom, right },
    strides: [1, 1],
    dilations: [1, 1],
  });
  dispose(backend, rotated);
  return dx;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
