import { BackendUnavailableError } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { addressOf, convGeometry, nativeKernels } from './native.js';
import { imagesPerTask, kernelThreadsFor } from './native-threads.js';
import { addUpTaskParts } from './task-parts.js';
import { conv2dExplicit, dispose, slice, transpose } from './wasm-ops.js';

/**
 * Filter gradient of a 2-D convolution (the wasm backend has no Conv2DBackpropFilter kernel). It runs
 * aekit's SIMD kernel (native/conv2d_backprop_filter.c) in the backend's memory; where that cannot load
 * it is one XNNPACK convolution: with the batch as the channel axis,
 * `dW[kh,kw,ci,co] = sum_{b,oh,ow} x[b, oh*s+kh-pt, ow*s+kw-pl, ci] * dy[b,oh,ow,co]` is the convolution
 * of `x^T [ci,H,W,B]` with `dy^T [oh,ow,B,co]` dilated by the stride, giving `[ci,kh,kw,co]`.
 */
export function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new BackendUnavailableError(
      `Conv2DBackpropFilter on the tfjs wasm backend supports dataFormat 'NHWC' only, got '${dataFormat}'; use channels-last tensors`,
      { details: { expected: 'NHWC', actual: dataFormat } },
    );
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } =
    info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const native = nativeKernels(backend);
  if (native !== null) {
    const dw = backend.makeOutput(filterShape, 'float32');
    const size = filterHeight * filterWidth * info.inChannels * info.outChannels;
    const threads = kernelThreadsFor(backend, info.batchSize * outHeight * outWidth * size);
    if (threads === undefined) {
      native.conv2dBackpropFilter(
        addressOf(backend, x),
        addressOf(backend, dy),
        addressOf(backend, dw),
        ...convGeometry(info),
      );
      return dw;
    }
    // Tasks of `chunk` images, each summed into its own part.
    const chunk = imagesPerTask(info.batchSize, threads);
    const tasks = Math.ceil(info.batchSize / chunk);
    const [px, pdy] = [addressOf(backend, x), addressOf(backend, dy)];
    addUpTaskParts(backend, native, addressOf(backend, dw), tasks, size, (parts) =>
      threads.run('conv2d_backprop_filter_tasks', () => [
        ...[px, pdy, parts],
        ...convGeometry(info),
        ...[chunk, threads.counter],
      ]),
    );
    return dw;
  }
  // Rows/cols of the (padded) input that the last output position still reaches; the rest is cropped.
  let bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  let right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const cropH = bottom < 0 ? -bottom : 0;
  const cropW = right < 0 ? -right : 0;
  bottom = Math.max(0, bottom);
  right = Math.max(0, right);

  const temps: TensorInfo[] = [];
  let xs = x;
  if (cropH > 0 || cropW > 0) {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    xs = slice(backend, x, [0, 0, 0, 0], [b, h - cropH, w - cropW, c]);
    temps.push(xs);
  }
  const xT = transpose(backend, xs, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  temps.push(xT, dyT);
  const dwT = conv2dExplicit(backend, {
    x: xT,
    filter: dyT,
    pads: { top, bottom, left, right },
    strides: [1, 1],
    dilations: [strideHeight, strideWidth],
  });
  temps.push(dwT);
  const dw = transpose(backend, dwT, [1, 2, 0, 3]);
  dispose(backend, ...temps);
  return dw;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
