import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, convGeometry, nativeKernels } from './native.js';
import { imagesPerTask, kernelThreadsFor } from './native-threads.js';
import { dispose, transpose } from './wasm-ops.js';

/** Below this many output channels aekit's kernel (input channels in the lanes) beats XNNPACK's. */
const FEW_OUTPUTS = 4;

/**
 * Conv2D: layers with fewer than 4 output channels (an image decoder's last layer) run aekit's SIMD kernel,
 * which XNNPACK runs about 6x slower; every other convolution is the stock XNNPACK kernel.
 */
function conv2d(args: {
  inputs: { x: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  const outC = filter.shape[3] as number;
  const native = nativeKernels(backend);
  const nhwc = backend_util.convertConv2DDataFormat(attrs.dataFormat) === 'channelsLast';
  if (native === null || outC >= FEW_OUTPUTS || !nhwc || x.dtype !== 'float32') {
    return requireStockKernel(Conv2D, 'wasm').kernelFunc(args as never) as TensorInfo;
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  // [filterH, filterW, inC, outC] -> [outC, filterH, filterW, inC]: the same memory when outC is 1.
  const filterT = outC === 1 ? filter : transpose(backend, filter, [3, 0, 1, 2]);
  const out = backend.makeOutput(info.outShape, 'float32');
  const [px, pw, py] = [x, filterT, out].map((t) => addressOf(backend, t)) as [number, number, number];
  const macs = util.sizeFromShape(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
  const threads = kernelThreadsFor(backend, macs);
  if (threads === undefined) {
    native.conv2dFewOutputs(px, pw, py, ...convGeometry(info));
  } else {
    const chunk = imagesPerTask(info.batchSize, threads);
    threads.run('conv2d_few_outputs_tasks', () => [
      px,
      pw,
      py,
      ...convGeometry(info),
      chunk,
      threads.counter,
    ]);
  }
  if (filterT !== filter) dispose(backend, filterT);
  return out;
}

export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2d as unknown as KernelFunc,
};
