import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  ResizeNearestNeighbor,
  type ResizeNearestNeighborAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { resizeNearestInfo, usesFloorMapping } from '../shared/resize-nearest-neighbor-grad.js';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, nativeKernels } from './native.js';

/**
 * Nearest-neighbour resizing (UpSampling2D's forward pass): aekit's SIMD kernel for the integer index
 * mapping, which copies whole pixels and rows (the stock wasm kernel computes every value's source index,
 * about 3 ns a value); other mappings (alignCorners, halfPixelCenters) and dtypes go to the stock kernel.
 */
function resizeNearestNeighbor(args: {
  inputs: { images: TensorInfo };
  backend: BackendWasm;
  attrs: ResizeNearestNeighborAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images } = inputs;
  const [batch, , , channels] = images.shape as [number, number, number, number];
  const [outHeight, outWidth] = attrs.size;
  const info = resizeNearestInfo(images.shape, [batch, outHeight, outWidth, channels], attrs);
  const native = nativeKernels(backend);
  if (native === null || images.dtype !== 'float32' || images.shape.length !== 4 || !usesFloorMapping(info)) {
    return requireStockKernel(ResizeNearestNeighbor, 'wasm').kernelFunc(args as never) as TensorInfo;
  }
  const out = backend.makeOutput([batch, outHeight, outWidth, channels], 'float32');
  native.resizeNearest(
    addressOf(backend, images),
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

export const resizeNearestNeighborConfig: KernelConfig = {
  kernelName: ResizeNearestNeighbor,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighbor as unknown as KernelFunc,
};
