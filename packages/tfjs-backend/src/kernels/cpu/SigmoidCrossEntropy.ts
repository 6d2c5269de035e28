import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  SigmoidCrossEntropy,
  type SigmoidCrossEntropyAttrs,
  SigmoidCrossEntropyGrad,
} from '../custom-kernels.js';
import { sigmoidCrossEntropyGradInto, sigmoidCrossEntropySum } from '../shared/sigmoid-cross-entropy.js';

function values(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.readSync(t.dataId) as Float32Array;
}

function sigmoidCrossEntropy(args: {
  inputs: { z: TensorInfo; y: TensorInfo };
  backend: MathBackendCPU;
  attrs: SigmoidCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const sum = sigmoidCrossEntropySum(values(backend, inputs.z), values(backend, inputs.y));
  return backend.makeTensorInfo([], 'float32', Float32Array.of(sum / attrs.divisor));
}

function sigmoidCrossEntropyGrad(args: {
  inputs: { dy: TensorInfo; z: TensorInfo; y: TensorInfo };
  backend: MathBackendCPU;
  attrs: SigmoidCrossEntropyAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const z = values(backend, inputs.z);
  const dz = new Float32Array(z.length);
  sigmoidCrossEntropyGradInto(
    z,
    values(backend, inputs.y),
    values(backend, inputs.dy)[0]! / attrs.divisor,
    dz,
  );
  return backend.makeTensorInfo(inputs.z.shape, 'float32', dz);
}

export const sigmoidCrossEntropyConfig: KernelConfig = {
  kernelName: SigmoidCrossEntropy,
  backendName: 'cpu',
  kernelFunc: sigmoidCrossEntropy as unknown as KernelFunc,
};

export const sigmoidCrossEntropyGradConfig: KernelConfig = {
  kernelName: SigmoidCrossEntropyGrad,
  backendName: 'cpu',
  kernelFunc: sigmoidCrossEntropyGrad as unknown as KernelFunc,
};
