import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  BinaryCrossEntropy,
  type BinaryCrossEntropyAttrs,
  BinaryCrossEntropyGrad,
} from '../custom-kernels.js';
import { binaryCrossEntropyGradInto, binaryCrossEntropySum } from '../shared/binary-cross-entropy.js';

function values(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.readSync(t.dataId) as Float32Array;
}

function binaryCrossEntropy(args: {
  inputs: { p: TensorInfo; y: TensorInfo };
  backend: MathBackendCPU;
  attrs: BinaryCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const sum = binaryCrossEntropySum(values(backend, inputs.p), values(backend, inputs.y), attrs.epsilon);
  return backend.makeTensorInfo([], 'float32', Float32Array.of(sum / attrs.divisor));
}

function binaryCrossEntropyGrad(args: {
  inputs: { dy: TensorInfo; p: TensorInfo; y: TensorInfo };
  backend: MathBackendCPU;
  attrs: BinaryCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const p = values(backend, inputs.p);
  const dp = new Float32Array(p.length);
  const scale = values(backend, inputs.dy)[0]! / attrs.divisor;
  binaryCrossEntropyGradInto(p, values(backend, inputs.y), scale, attrs.epsilon, dp);
  return backend.makeTensorInfo(inputs.p.shape, 'float32', dp);
}

export const binaryCrossEntropyConfig: KernelConfig = {
  kernelName: BinaryCrossEntropy,
  backendName: 'cpu',
  kernelFunc: binaryCrossEntropy as unknown as KernelFunc,
};

export const binaryCrossEntropyGradConfig: KernelConfig = {
  kernelName: BinaryCrossEntropyGrad,
  backendName: 'cpu',
  kernelFunc: binaryCrossEntropyGrad as unknown as KernelFunc,
};
