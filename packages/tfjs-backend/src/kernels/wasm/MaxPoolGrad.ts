import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { maxPoolGradInfo, maxPoolGradInto } from '../shared/max-pool-grad.js';
import { addressOf, convGeometry, nativeKernels } from './native.js';
import { imagesPerTask, kernelThreadsFor } from './native-threads.js';

/**
 * MaxPoolGrad on the wasm heap (the stock kernel is slower): aekit's SIMD kernel (on the kernel threads in
 * chunks of images), else a JavaScript loop with a channel-contiguous inner loop.
 */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = maxPoolGradInfo(input, attrs);
  const out = backend.makeOutput(input.shape, 'float32');
  const native = nativeKernels(backend);
  if (native !== null) {
    const [px, pdy, pdx] = [input, dy, out].map((t) => addressOf(backend, t)) as [number, number, number];
    const work = util.sizeFromShape(dy.shape) * info.filterHeight * info.filterWidth;
    const threads = kernelThreadsFor(backend, work);
    if (threads === undefined) native.maxPoolGrad(px, pdy, pdx, ...convGeometry(info));
    else {
      const chunk = imagesPerTask(info.batchSize, threads);
      threads.run('max_pool_grad_tasks', () => [px, pdy, pdx, ...convGeometry(info), chunk, threads.counter]);
    }
    return out;
  }
  // Views are taken after the allocation: growing the heap detaches older views.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  maxPoolGradInto(
    backend.typedArrayFromHeap(input) as Float32Array,
    backend.typedArrayFromHeap(dy) as Float32Array,
    dx,
    info,
  );
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
