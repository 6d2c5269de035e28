import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { ReluGrad } from '../custom-kernels.js';
import { reluGradInto } from '../shared/relu-grad.js';
import { addressOf, nativeKernels } from './native.js';
import { kernelThreadsForValues, TASK_VALUES } from './native-threads.js';

function reluGrad(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const out = backend.makeOutput(inputs.x.shape, 'float32');
  const native = nativeKernels(backend);
  if (native !== null) {
    const n = util.sizeFromShape(inputs.x.shape);
    const args = [
      addressOf(backend, inputs.dy),
      addressOf(backend, inputs.x),
      addressOf(backend, out),
      n,
    ] as const;
    const threads = kernelThreadsForValues(backend, n);
    if (threads === undefined) native.reluGrad(...args);
    else threads.run('relu_grad_tasks', () => [...args, threads.counter, TASK_VALUES]);
    return out;
  }
  // Views are taken after the allocation: growing the heap detaches older views.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  reluGradInto(view(inputs.dy), view(inputs.x), view(out));
  return out;
}

export const reluGradConfig: KernelConfig = {
  kernelName: ReluGrad,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
