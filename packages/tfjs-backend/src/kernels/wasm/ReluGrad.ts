import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { ReluGrad } from '../custom-kernels.js';
import { reluGradInto } from '../shared/relu-grad.js';
import { addressOf, type NativeKernels, nativeKernels } from './native.js';
import { kernelThreadsForValues, TASK_VALUES } from './native-threads.js';

function reluGrad(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const out = backend.makeOutput(inputs.x.shape, 'float32');
  const native = nativeKernels(backend);
  if (native !== null) {
    const at = (t: TensorInfo) => addressOf(backend, t);
    nativeReluGrad(backend, native, at(inputs.dy), at(inputs.x), at(out), util.sizeFromShape(inputs.x.shape));
    return out;
  }
  // Views are taken after the allocation: growing the heap detaches older views.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  reluGradInto(view(inputs.dy), view(inputs.x), view(out));
  return out;
}

/**
 * dx = dy where x > 0, else 0, on addresses in the backend's memory (on the kernel threads for many values).
 * The ReluGrad kernel runs this, and so does the trainer's native dense step.
 */
export function nativeReluGrad(
  backend: BackendWasm,
  native: NativeKernels,
  dy: number,
  x: number,
  dx: number,
  n: number,
): void {
  const threads = kernelThreadsForValues(backend, n);
  if (threads === undefined) native.reluGrad(dy, x, dx, n);
  else threads.run('relu_grad_tasks', () => [dy, x, dx, n, threads.counter, TASK_VALUES]);
}

export const reluGradConfig: KernelConfig = {
  kernelName: ReluGrad,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
