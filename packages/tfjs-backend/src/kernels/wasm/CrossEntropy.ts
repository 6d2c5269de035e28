import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BinaryCrossEntropyAttrs } from '../custom-kernels.js';
import { binaryCrossEntropy } from '../shared/binary-cross-entropy.js';
import type { CrossEntropyDefinition } from '../shared/cross-entropy.js';
import { sigmoidCrossEntropy } from '../shared/sigmoid-cross-entropy.js';
import { addressOf, type NativeKernels, nativeKernels } from './native.js';
import {
  type KernelThreads,
  kernelThreadsForValues,
  TASK_VALUES,
  type TaskExport,
} from './native-threads.js';

/** A cross-entropy's SIMD kernels, on addresses in the backend's memory. */
interface NativeCrossEntropy<A> {
  sum(native: NativeKernels, x: number, y: number, n: number, attrs: A): number;
  grad(native: NativeKernels, x: number, y: number, dx: number, n: number, scale: number, attrs: A): void;
  /** Exports of the same kernels cut into tasks, `(x, y, n, partials, next, chunk)` and `(x, y, dx, n, scale, next, chunk)`. */
  tasks?: { sum: TaskExport; grad: TaskExport };
}

/** The loss summed by tasks on several threads: each task's float64 part, added in task order. */
function sumByTasks(
  backend: BackendWasm,
  threads: KernelThreads,
  name: TaskExport,
  x: number,
  y: number,
  n: number,
) {
  const tasks = Math.ceil(n / TASK_VALUES);
  const partials = backend.makeOutput([2 * tasks], 'float32');
  const at = addressOf(backend, partials);
  threads.run(name, () => [x, y, n, at, threads.counter, TASK_VALUES]);
  const parts = new Float64Array((backend.typedArrayFromHeap(partials) as Float32Array).buffer, at, tasks);
  let sum = 0;
  for (const part of parts) sum += part;
  backend.disposeData(partials.dataId);
  return sum;
}

/** A cross-entropy's sum over `n` values at addresses x and y (on the kernel threads where it has tasks). */
function nativeSum<A>(
  backend: BackendWasm,
  native: NativeKernels,
  simd: NativeCrossEntropy<A>,
  x: number,
  y: number,
  n: number,
  attrs: A,
): number {
  const threads = simd.tasks && kernelThreadsForValues(backend, n);
  return threads ? sumByTasks(backend, threads, simd.tasks!.sum, x, y, n) : simd.sum(native, x, y, n, attrs);
}

/** A cross-entropy's gradient, `scale` times the per-value derivative, into dx. */
function nativeGrad<A>(
  backend: BackendWasm,
  native: NativeKernels,
  simd: NativeCrossEntropy<A>,
  x: number,
  y: number,
  dx: number,
  n: number,
  scale: number,
  attrs: A,
): void {
  const threads = simd.tasks && kernelThreadsForValues(backend, n);
  if (threads) threads.run(simd.tasks!.grad, () => [x, y, dx, n, scale, threads.counter, TASK_VALUES]);
  else simd.grad(native, x, y, dx, n, scale, attrs);
}

/**
 * The loss and gradient kernels of a cross-entropy on the wasm backend: aekit's SIMD kernels in place,
 * else the JavaScript definition on views of the heap.
 */
function crossEntropyConfigs<A extends { divisor: number }>(
  def: CrossEntropyDefinition<A>,
  simd: NativeCrossEntropy<A>,
): KernelConfig[] {
  type Args = { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: A };
  // Views are taken after any allocation: growing the heap detaches older views.
  const heap = (backend: BackendWasm, t: TensorInfo | undefined) =>
    backend.typedArrayFromHeap(t!) as Float32Array;
  const loss = ({ inputs, backend, attrs }: Args): TensorInfo => {
    const [x, y] = [inputs[def.input]!, inputs.y!];
    const native = nativeKernels(backend);
    const n = util.sizeFromShape(x.shape);
    const sum =
      native === null
        ? def.sum(heap(backend, x), heap(backend, y), attrs)
        : nativeSum(backend, native, simd, addressOf(backend, x), addressOf(backend, y), n, attrs);
    const out = backend.makeOutput([], 'float32');
    heap(backend, out)[0] = sum / attrs.divisor;
    return out;
  };
  const grad = ({ inputs, backend, attrs }: Args): TensorInfo => {
    const [x, y] = [inputs[def.input]!, inputs.y!];
    const out = backend.makeOutput(x.shape, 'float32');
    const scale = heap(backend, inputs.dy)[0]! / attrs.divisor;
    const native = nativeKernels(backend);
    if (native !== null) {
      const at = (t: TensorInfo) => addressOf(backend, t);
      nativeGrad(backend, native, simd, at(x), at(y), at(out), util.sizeFromShape(x.shape), scale, attrs);
    } else {
      def.gradInto(heap(backend, x), heap(backend, y), scale, attrs, heap(backend, out));
    }
    return out;
  };
  return [
    { kernelName: def.kernelName, backendName: 'wasm', kernelFunc: loss as unknown as KernelFunc },
    { kernelName: def.gradKernelName, backendName: 'wasm', kernelFunc: grad as unknown as KernelFunc },
  ];
}

export const binaryCrossEntropyConfigs = crossEntropyConfigs<BinaryCrossEntropyAttrs>(binaryCrossEntropy, {
  sum: (native, p, y, n, a) => native.binaryCrossEntropySum(p, y, n, a.epsilon, 1 - a.epsilon),
  grad: (native, p, y, dp, n, scale, a) =>
    native.binaryCrossEntropyGrad(p, y, dp, n, scale, a.epsilon, 1 - a.epsilon),
});

const sigmoidSimd: NativeCrossEntropy<unknown> = {
  sum: (native, z, y, n) => native.sigmoidCrossEntropySum(z, y, n),
  grad: (native, z, y, dz, n, scale) => native.sigmoidCrossEntropyGrad(z, y, dz, n, scale),
  tasks: { sum: 'sigmoid_cross_entropy_sum_tasks', grad: 'sigmoid_cross_entropy_grad_tasks' },
};

export const sigmoidCrossEntropyConfigs = crossEntropyConfigs(sigmoidCrossEntropy, sigmoidSimd);

/**
 * The sigmoid cross-entropy of logits z against targets y on addresses in the backend's memory, as its
 * kernels compute it: `sum` the unscaled sum over n values, `grad` scale (sigmoid(z) - y) into dz. For the
 * trainer's native dense step.
 */
export const nativeSigmoidCrossEntropy = {
  sum: (backend: BackendWasm, native: NativeKernels, z: number, y: number, n: number): number =>
    nativeSum(backend, native, sigmoidSimd, z, y, n, undefined),
  grad: (
    backend: BackendWasm,
    native: NativeKernels,
    z: number,
    y: number,
    dz: number,
    n: number,
    scale: number,
  ) => nativeGrad(backend, native, sigmoidSimd, z, y, dz, n, scale, undefined),
};
