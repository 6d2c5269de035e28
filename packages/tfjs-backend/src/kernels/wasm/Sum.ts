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
import { addressOf, type NativeKernels, nativeKernels } from './native.js';
import { kernelThreads, TASK_VALUES } from './native-threads.js';
import { addUpTaskParts } from './task-parts.js';

/**
 * Sums of fewer values stay on one thread: a dense layer's bias gradient (128 x 784 values, about 0.05 ms)
 * trained slower on two (dense model, 2 threads: 29,291 / 30,082 / 28,551 against 30,114 / 32,989 / 29,355
 * img/s on one), where a convolution's (128 x 28 x 28 x 32) gains.
 */
const PARALLEL_SUM_VALUES = 1 << 18;

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
  const rows = util.sizeFromShape(x.shape) / cols;
  nativeColumnSums(backend, native, addressOf(backend, x), addressOf(backend, out), rows, cols);
  return out;
}

/**
 * out[j] = the sum over i of x[i * cols + j], on addresses in the backend's memory: on the kernel threads when
 * there are many values. The Sum kernel runs this, and so does the trainer's native dense step.
 */
export function nativeColumnSums(
  backend: BackendWasm,
  native: NativeKernels,
  x: number,
  out: number,
  rows: number,
  cols: number,
): void {
  const threads = rows * cols >= PARALLEL_SUM_VALUES ? kernelThreads(backend) : undefined;
  if (threads === undefined || rows < 2) {
    native.sumRows(x, out, rows, cols);
    return;
  }
  // Tasks of whole rows, each summed into its own part.
  const chunk = Math.max(1, Math.floor(TASK_VALUES / cols));
  const tasks = Math.ceil(rows / chunk);
  addUpTaskParts(backend, native, out, tasks, cols, (parts) =>
    threads.run('sum_rows_tasks', () => [x, parts, rows, cols, threads.counter, chunk]),
  );
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
