import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { binaryCrossEntropy } from '../shared/binary-cross-entropy.js';
import type { CrossEntropyDefinition } from '../shared/cross-entropy.js';
import { sigmoidCrossEntropy } from '../shared/sigmoid-cross-entropy.js';

/** The loss and gradient kernels of a cross-entropy on the cpu backend, in JavaScript. */
function crossEntropyConfigs<A extends { divisor: number }>(def: CrossEntropyDefinition<A>): KernelConfig[] {
  type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: A };
  const values = (backend: MathBackendCPU, t: TensorInfo | undefined) =>
    backend.readSync(t!.dataId) as Float32Array;
  const loss = ({ inputs, backend, attrs }: Args): TensorInfo => {
    const sum = def.sum(values(backend, inputs[def.input]), values(backend, inputs.y), attrs);
    return backend.makeTensorInfo([], 'float32', Float32Array.of(sum / attrs.divisor));
  };
  const grad = ({ inputs, backend, attrs }: Args): TensorInfo => {
    const x = values(backend, inputs[def.input]);
    const dx = new Float32Array(x.length);
    const scale = values(backend, inputs.dy)[0]! / attrs.divisor;
    def.gradInto(x, values(backend, inputs.y), scale, attrs, dx);
    return backend.makeTensorInfo(inputs[def.input]!.shape, 'float32', dx);
  };
  return [
    { kernelName: def.kernelName, backendName: 'cpu', kernelFunc: loss as unknown as KernelFunc },
    { kernelName: def.gradKernelName, backendName: 'cpu', kernelFunc: grad as unknown as KernelFunc },
  ];
}

export const binaryCrossEntropyConfigs = crossEntropyConfigs(binaryCrossEntropy);
export const sigmoidCrossEntropyConfigs = crossEntropyConfigs(sigmoidCrossEntropy);
