import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  resizeNearestInfo,
  resizeNearestNeighborGradInto,
  usesFloorMapping,
} from '../shared/resize-nearest-neighbor-grad.js';
import { addressOf, nativeKernels } from './native.js';

/**
 * Gradient of nearest-neighbour resizing (UpSampling2D) on the wasm heap: aekit's SIMD kernel for the
 * integer index mapping, else a JavaScript loop.
 */
export function resizeNearestNeighborGrad(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: ResizeNearestNeighborGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const info = resizeNearestInfo(images.shape, dy.shape, attrs);
  const out = backend.makeOutput(images.shape, 'float32');
  const native = nativeKernels(backend);
  if (native !== null && usesFloorMapping(info)) {
    native.resizeNearestGrad(
      addressOf(backend, dy),
      addressOf(backend, out),
      info.batch,
      info.inHeight,
      info.inWidth,
      info.channels,
      info.outHeight,
      info.outWidth,
    );
    return out;
  }
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  resizeNearestNeighborGradInto(backend.typedArrayFromHeap(dy) as Float32Array, dx, info);
  return out;
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
