import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import {
  SigmoidCrossEntropy,
  type SigmoidCrossEntropyAttrs,
  SigmoidCrossEntropyGrad,
} from '../custom-kernels.js';
import { sigmoidCrossEntropyGradInto, sigmoidCrossEntropySum } from '../shared/sigmoid-cross-entropy.js';
import { addressOf, nativeKernels } from './native.js';

function heap(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function sigmoidCrossEntropy(args: {
  inputs: { z: TensorInfo; y: TensorInfo };
  backend: BackendWasm;
  attrs: SigmoidCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const native = nativeKernels(backend);
  const sum =
    native !== null
      ? native.sigmoidCrossEntropySum(
          addressOf(backend, inputs.z),
          addressOf(backend, inputs.y),
          util.sizeFromShape(inputs.z.shape),
        )
      : sigmoidCrossEntropySum(heap(backend, inputs.z), heap(backend, inputs.y));
  const out = backend.makeOutput([], 'float32');
  heap(backend, out)[0] = sum / attrs.divisor;
  return out;
}

function sigmoidCrossEntropyGrad(args: {
  inputs: { dy: TensorInfo; z: TensorInfo; y: TensorInfo };
  backend: BackendWasm;
  attrs: SigmoidCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const out = backend.makeOutput(inputs.z.shape, 'float32');
  // Views are taken after the allocation: growing the heap detaches older views.
  const scale = heap(backend, inputs.dy)[0]! / attrs.divisor;
  const native = nativeKernels(backend);
  if (native !== null) {
    native.sigmoidCrossEntropyGrad(
      addressOf(backend, inputs.z),
      addressOf(backend, inputs.y),
      addressOf(backend, out),
      util.sizeFromShape(inputs.z.shape),
      scale,
    );
  } else {
    sigmoidCrossEntropyGradInto(heap(backend, inputs.z), heap(backend, inputs.y), scale, heap(backend, out));
  }
  return out;
}

export const sigmoidCrossEntropyConfig: KernelConfig = {
  kernelName: SigmoidCrossEntropy,
  backendName: 'wasm',
  kernelFunc: sigmoidCrossEntropy as unknown as KernelFunc,
};

export const sigmoidCrossEntropyGradConfig: KernelConfig = {
  kernelName: SigmoidCrossEntropyGrad,
  backendName: 'wasm',
  kernelFunc: sigmoidCrossEntropyGrad as unknown as KernelFunc,
};
