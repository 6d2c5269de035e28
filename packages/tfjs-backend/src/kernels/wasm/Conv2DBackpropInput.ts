import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, convGeometry, nativeKernels } from './native.js';
import { kernelThreadsFor } from './native-threads.js';
import { callKernel, conv2dExplicit, dispose } from './wasm-ops.js';

/** Floats of the column buffer one product of the native kernel fills (about 256 KB, within L2). */
const COLUMN_FLOATS = 1 << 16;

/**
 * `dy` [b, h, w, c] spread to [b, (h-1)*sh+1, (w-1)*sw+1, c] with zeros between its rows and columns (the
 * stride's holes), so a strided convolution's input gradient becomes a stride-1 convolution.
 */
function dilate(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [b, h, w, c] = dy.shape as [number, number, number, number];
  const dh = (h - 1) * sh + 1;
  const dw = (w - 1) * sw + 1;
  const out = backend.makeOutput([b, dh, dw, c], 'float32');
  // Views are taken after the allocation: growing the heap detaches older views.
  const src = backend.typedArrayFromHeap(dy) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  dst.fill(0);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const from = ((n * h + i) * w + j) * c;
        dst.set(src.subarray(from, from + c), ((n * dh + i * sh) * dw + j * sw) * c);
      }
    }
  }
  return out;
}

/**
 * Input gradient of a 2-D convolution (and so Conv2DTranspose's forward pass). With strides > 1, aekit's
 * SIMD kernel (native/conv2d_transpose.c: a matrix product of dy and the filter, then a scatter-add), which
 * skips the stride's zeros; otherwise, or without the SIMD module, one XNNPACK convolution of `dy` with the
 * filter rotated by 180 degrees and its channel axes swapped, for strides > 1 of `dy` with the stride's
 * zeros put back (see dilate: sh * sw times the work). The stock wasm kernel is a scalar loop.
 */
export function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  return transposedConvolution(args.backend, args.inputs.dy, args.inputs.filter, args.attrs);
}

/** What follows a transposed convolution in a layer: its bias (one value per channel) and a clamp. */
export interface BiasClamp {
  bias?: TensorInfo;
  lo: number;
  hi: number;
}

/**
 * Conv2DBackpropInput of `dy` (a Conv2DTranspose layer's input), then, with `epilogue`, its bias and clamp:
 * inside aekit's kernel, image by image while they are in cache, where that kernel runs; else the backend's
 * Add and ClipByValue kernels after it.
 */
export function transposedConvolution(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
  epilogue?: BiasClamp,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { strideHeight: sh, strideWidth: sw } = info;
  // Height and width of dy with the stride's zeros put back.
  const dyHeight = (info.outHeight - 1) * sh + 1;
  const dyWidth = (info.outWidth - 1) * sw + 1;
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight - dyHeight + info.filterHeight - 1 - top;
  const right = info.inWidth - dyWidth + info.filterWidth - 1 - left;
  if (info.dataFormat !== 'channelsLast' || Math.min(top, left, bottom, right) < 0) {
    const stock = requireStockKernel(Conv2DBackpropInput, 'wasm');
    const dx = (stock.kernelFunc as KernelFunc)({
      inputs: { dy, filter },
      backend,
      attrs,
    } as never) as TensorInfo;
    return epilogue ? withBiasClamp(backend, dx, epilogue) : dx;
  }
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const native = sh > 1 || sw > 1 ? nativeKernels(backend) : null;
  if (native !== null) {
    const perImage = info.outHeight * info.outWidth * kh * kw * ci;
    const chunk = Math.max(1, Math.min(info.batchSize, Math.floor(COLUMN_FLOATS / perImage)));
    const dx = backend.makeOutput(inputShape, 'float32');
    // Each thread its own scratch (the product's packed panels, then its chunk's columns).
    const threads = kernelThreadsFor(backend, perImage * co * info.batchSize);
    const perThread = native.matmulScratchFloats(co) + chunk * perImage;
    const scratch = backend.makeOutput([perThread * (threads?.count ?? 1)], 'float32');
    const [pdy, pw, pdx, pScratch] = [dy, filter, dx, scratch].map((t) => addressOf(backend, t)) as [
      number,
      number,
      number,
      number,
    ];
    const fused =
      epilogue === undefined
        ? [0, 0, 0, 0]
        : [1, epilogue.bias ? addressOf(backend, epilogue.bias) : 0, epilogue.lo, epilogue.hi];
    if (threads === undefined) {
      native.conv2dTranspose(
        pdy,
        pw,
        pdx,
        pScratch,
        chunk,
        ...convGeometry(info),
        ...(fused as [number, number, number, number]),
      );
    } else {
      threads.run('conv2d_transpose_tasks', (t) => [
        ...[pdy, pw, pdx, pScratch + t * perThread * 4, chunk],
        ...convGeometry(info),
        ...fused,
        threads.counter,
      ]);
    }
    dispose(backend, scratch);
    return dx;
  }
  const rotated = backend.makeOutput([kh, kw, co, ci], 'float32');
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const r = backend.typedArrayFromHeap(rotated) as Float32Array;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const dst = (i * kw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) r[dst + o * ci + c] = w[src + c * co + o] as number;
      }
    }
  }
  const spread = sh > 1 || sw > 1 ? dilate(backend, dy, sh, sw) : dy;
  const dx = conv2dExplicit(backend, {
    x: spread,
    filter: rotated,
    pads: { top, left, bottom, right },
    strides: [1, 1],
    dilations: [1, 1],
  });
  dispose(backend, rotated);
  if (spread !== dy) dispose(backend, spread);
  return epilogue ? withBiasClamp(backend, dx, epilogue) : dx;
}

/** clamp(x + bias, lo, hi) with the backend's own Add and ClipByValue kernels, x disposed. */
function withBiasClamp(backend: BackendWasm, x: TensorInfo, { bias, lo, hi }: BiasClamp): TensorInfo {
  const biased = bias ? callKernel('Add', backend, { a: x, b: bias }) : x;
  const out = callKernel('ClipByValue', backend, { x: biased }, { clipValueMin: lo, clipValueMax: hi });
  dispose(backend, ...(biased === x ? [x] : [x, biased]));
  return out;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
