import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  type KernelConfig,
  type KernelFunc,
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { resizeNearestNeighborGradInto } from '../shared/resize-nearest-neighbor-grad.js';

/** Gradient of nearest-neighbour resizing (UpSampling2D) for the CPU backend. */
export function resizeNearestNeighborGrad(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: MathBackendCPU;
  attrs: ResizeNearestNeighborGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const [batch, inHeight, inWidth, channels] = images.shape as [number, number, number, number];
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const dx = new Float32Array(batch * inHeight * inWidth * channels);
  resizeNearestNeighborGradInto(backend.readSync(dy.dataId) as Float32Array, dx, {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    alignCorners: attrs.alignCorners,
    halfPixelCenters: attrs.halfPixelCenters,
  });
  return backend.makeTensorInfo(images.shape, 'float32', dx);
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
