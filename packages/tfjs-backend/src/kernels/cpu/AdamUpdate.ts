import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs } from '../custom-kernels.js';
import { adamUpdateInto } from '../shared/adam.js';

type Inputs = Record<'param' | 'm' | 'v' | 'gradient' | 'accBeta1' | 'accBeta2', TensorInfo>;

function adamUpdate(args: { inputs: Inputs; backend: MathBackendCPU; attrs: AdamUpdateAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const size = read(inputs.param).length;
  const out = { param: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) };
  adamUpdateInto(
    { param: read(inputs.param), m: read(inputs.m), v: read(inputs.v), gradient: read(inputs.gradient) },
    out,
    attrs,
    read(inputs.accBeta1)[0]!,
    read(inputs.accBeta2)[0]!,
  );
  return [out.param, out.m, out.v].map((data) => backend.makeTensorInfo(inputs.param.shape, 'float32', data));
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: AdamUpdate,
  backendName: 'cpu',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
