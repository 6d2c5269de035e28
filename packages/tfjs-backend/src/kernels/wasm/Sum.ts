import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  Sum,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, nativeKernels } from './native.js';

/**
 * Sum over every axis but the last (a bias gradient) with aekit's column-sum kernel: the stock wasm Sum
 * transposes the whole tensor first to reduce over its innermost axes. Other reductions go to the stock
 * kernel.
 */
function sum(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  const native = nativeKernels(backend);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a) => a < rank - 1);
  if (native === null || !leading || x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) {
    return requireStockKernel(Sum, 'wasm').kernelFunc(args as never) as TensorInfo;
  }
  const cols = x.shape[rank - 1] as number;
  const outShape = attrs.keepDims ? [...new Array<number>(rank - 1).fill(1), cols] : [cols];
  const out = backend.makeOutput(outShape, 'float32');
  native.sumRows(addressOf(backend, x), addressOf(backend, out), util.sizeFromShape(x.shape) / cols, cols);
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
