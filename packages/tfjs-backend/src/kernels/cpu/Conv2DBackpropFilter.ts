import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterNhwc } from '../shared/conv2d-backprop-filter.js';
import { requireStockKernel } from '../stock-kernels.js';

/** Conv2DBackpropFilter for the CPU backend with a cache-friendly loop order (NHWC; NCHW uses the stock kernel). */
export function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: MathBackendCPU;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    const stock = requireStockKernel(Conv2DBackpropFilter, 'cpu');
    return (stock.kernelFunc as KernelFunc)(args as never) as TensorInfo;
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const dw = conv2dBackpropFilterNhwc(
    backend.readSync(x.dataId) as Float32Array,
    backend.readSync(dy.dataId) as Float32Array,
    info,
  );
  return backend.makeTensorInfo(info.filterShape, 'float32', dw);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'cpu',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
