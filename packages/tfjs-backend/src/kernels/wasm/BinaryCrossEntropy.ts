import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import {
  BinaryCrossEntropy,
  type BinaryCrossEntropyAttrs,
  BinaryCrossEntropyGrad,
} from '../custom-kernels.js';
import { binaryCrossEntropyGradInto, binaryCrossEntropySum } from '../shared/binary-cross-entropy.js';
import { addressOf, nativeKernels } from './native.js';

function heap(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function binaryCrossEntropy(args: {
  inputs: { p: TensorInfo; y: TensorInfo };
  backend: BackendWasm;
  attrs: BinaryCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const native = nativeKernels(backend);
  const sum =
    native !== null
      ? native.binaryCrossEntropySum(
          addressOf(backend, inputs.p),
          addressOf(backend, inputs.y),
          util.sizeFromShape(inputs.p.shape),
          attrs.epsilon,
          1 - attrs.epsilon,
        )
      : binaryCrossEntropySum(heap(backend, inputs.p), heap(backend, inputs.y), attrs.epsilon);
  const out = backend.makeOutput([], 'float32');
  heap(backend, out)[0] = sum / attrs.divisor;
  return out;
}

function binaryCrossEntropyGrad(args: {
  inputs: { dy: TensorInfo; p: TensorInfo; y: TensorInfo };
  backend: BackendWasm;
  attrs: BinaryCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const out = backend.makeOutput(inputs.p.shape, 'float32');
  // Views are taken after the allocation: growing the heap detaches older views.
  const scale = heap(backend, inputs.dy)[0]! / attrs.divisor;
  const native = nativeKernels(backend);
  if (native !== null) {
    native.binaryCrossEntropyGrad(
      addressOf(backend, inputs.p),
      addressOf(backend, inputs.y),
      addressOf(backend, out),
      util.sizeFromShape(inputs.p.shape),
      scale,
      attrs.epsilon,
      1 - attrs.epsilon,
    );
    return out;
  }
  binaryCrossEntropyGradInto(
    heap(backend, inputs.p),
    heap(backend, inputs.y),
    scale,
    attrs.epsilon,
    heap(backend, out),
  );
  return out;
}

export const binaryCrossEntropyConfig: KernelConfig = {
  kernelName: BinaryCrossEntropy,
  backendName: 'wasm',
  kernelFunc: binaryCrossEntropy as unknown as KernelFunc,
};

export const binaryCrossEntropyGradConfig: KernelConfig = {
  kernelName: BinaryCrossEntropyGrad,
  backendName: 'wasm',
  kernelFunc: binaryCrossEntropyGrad as unknown as KernelFunc,
};
