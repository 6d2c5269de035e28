import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { maxPoolGradInfo, maxPoolGradInto } from '../shared/max-pool-grad.js';
import { addressOf, convGeometry, nativeKernels } from './native.js';

/**
 * MaxPoolGrad on the wasm heap (the stock kernel is slower): aekit's SIMD kernel, else a JavaScript loop
 * with a channel-contiguous inner loop.
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
    native.maxPoolGrad(
      addressOf(backend, input),
      addressOf(backend, dy),
      addressOf(backend, out),
      ...convGeometry(info),
    );
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
