import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  type KernelConfig,
  type KernelFunc,
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { resizeNearestInfo, resizeNearestNeighborGradInto } from '../shared/resize-nearest-neighbor-grad.js';

/** Gradient of nearest-neighbour resizing (UpSampling2D) for the CPU backend. */
export function resizeNearestNeighborGrad(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: MathBackendCPU;
  attrs: ResizeNearestNeighborGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const info = resizeNearestInfo(images.shape, dy.shape, attrs);
  const dx = new Float32Array(util.sizeFromShape(images.shape));
  resizeNearestNeighborGradInto(backend.readSync(dy.dataId) as Float32Array, dx, info);
  return backend.makeTensorInfo(images.shape, 'float32', dx);
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
