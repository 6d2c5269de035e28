import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs } from '../custom-kernels.js';
import { adamUpdateInto } from '../shared/adam.js';
import { addressOf, type NativeKernels, nativeKernels } from './native.js';
import { kernelThreadsForValues, TASK_VALUES } from './native-threads.js';

type Inputs = Record<'param' | 'm' | 'v' | 'gradient' | 'accBeta1' | 'accBeta2', TensorInfo>;

function adamUpdate(args: { inputs: Inputs; backend: BackendWasm; attrs: AdamUpdateAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const outs = [0, 1, 2].map(() => backend.makeOutput(inputs.param.shape, 'float32')) as [
    TensorInfo,
    TensorInfo,
    TensorInfo,
  ];
  const native = nativeKernels(backend);
  if (native !== null) {
    const scalar = (t: TensorInfo) => (backend.typedArrayFromHeap(t) as Float32Array)[0]!;
    const at = (t: TensorInfo) => addressOf(backend, t);
    nativeAdamUpdate(
      backend,
      native,
      [
        at(inputs.param),
        at(inputs.m),
        at(inputs.v),
        at(inputs.gradient),
        at(outs[0]),
        at(outs[1]),
        at(outs[2]),
      ],
      util.sizeFromShape(inputs.param.shape),
      attrs,
      scalar(inputs.accBeta1),
      scalar(inputs.accBeta2),
    );
    return outs;
  }
  // Views are taken after the allocations: growing the heap detaches older views.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  adamUpdateInto(
    { param: view(inputs.param), m: view(inputs.m), v: view(inputs.v), gradient: view(inputs.gradient) },
    { param: view(outs[0]), m: view(outs[1]), v: view(outs[2]) },
    attrs,
    view(inputs.accBeta1)[0]!,
    view(inputs.accBeta2)[0]!,
  );
  return outs;
}

/**
 * One Adam step of `n` values on addresses in the backend's memory, [param, m, v, gradient, paramOut, mOut,
 * vOut] (the outputs may be the inputs: it updates in place), with beta1^t and beta2^t as `accBeta1` and
 * `accBeta2`; on the kernel threads for many values. The AdamUpdate kernel runs this, and so does the
 * trainer's native dense step.
 */
export function nativeAdamUpdate(
  backend: BackendWasm,
  native: NativeKernels,
  at: [number, number, number, number, number, number, number],
  n: number,
  attrs: AdamUpdateAttrs,
  accBeta1: number,
  accBeta2: number,
): void {
  const args = [
    ...at,
    n,
    ...[attrs.learningRate, attrs.beta1, attrs.beta2, attrs.epsilon],
    ...[1 - accBeta1, 1 - accBeta2],
  ] as Parameters<typeof native.adamUpdate>;
  const threads = kernelThreadsForValues(backend, n);
  if (threads === undefined) native.adamUpdate(...args);
  else threads.run('adam_update_tasks', () => [...args, threads.counter, TASK_VALUES]);
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: AdamUpdate,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
