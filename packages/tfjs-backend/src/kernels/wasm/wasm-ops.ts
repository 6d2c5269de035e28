import { BackendUnavailableError, ShapeMismatchError } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type WasmConv2d = (
  xId: number,
  batch: number,
  inHeight: number,
  inWidth: number,
  filterId: number,
  filterHeight: number,
  filterWidth: number,
  padTop: number,
  padRight: number,
  padBottom: number,
  padLeft: number,
  isSamePad: number,
  dilationHeight: number,
  dilationWidth: number,
  strideHeight: number,
  strideWidth: number,
  inChannels: number,
  outChannels: number,
  outId: number,
) => void;

const conv2dByBackend = new WeakMap<BackendWasm, WasmConv2d>();

/** The wasm backend's XNNPACK `Conv2D` entry point, bound once per backend instance. */
function wasmConv2d(backend: BackendWasm): WasmConv2d {
  let fn = conv2dByBackend.get(backend);
  if (fn === undefined) {
    const module = backend.wasm as unknown as {
      cwrap(name: string, returnType: null, argTypes: string[]): WasmConv2d;
    };
    fn = module.cwrap('Conv2D', null, new Array<string>(19).fill('number'));
    conv2dByBackend.set(backend, fn);
  }
  return fn;
}

export interface ExplicitConv {
  /** NHWC input. */
  x: TensorInfo;
  /** [filterHeight, filterWidth, inChannels, outChannels]. */
  filter: TensorInfo;
  pads: { top: number; bottom: number; left: number; right: number };
  strides: [number, number];
  dilations: [number, number];
}

/**
 * Runs XNNPACK's convolution with explicit (asymmetric, non-negative) padding and dilation, which the
 * public `conv2d` op cannot express. Returns a new tensor owned by the caller.
 */
export function conv2dExplicit(backend: BackendWasm, c: ExplicitConv): TensorInfo {
  const [batch, inH, inW, inC] = c.x.shape as [number, number, number, number];
  const [fh, fw, fInC, outC] = c.filter.shape as [number, number, number, number];
  if (fInC !== inC) {
    throw new ShapeMismatchError(
      `conv2dExplicit: the filter expects ${fInC} input channels, the input has ${inC}`,
      fInC,
      inC,
    );
  }
  const effH = (fh - 1) * c.dilations[0] + 1;
  const effW = (fw - 1) * c.dilations[1] + 1;
  const outH = Math.floor((inH + c.pads.top + c.pads.bottom - effH) / c.strides[0]) + 1;
  const outW = Math.floor((inW + c.pads.left + c.pads.right - effW) / c.strides[1]) + 1;
  const out = backend.makeOutput([batch, outH, outW, outC], 'float32');
  wasmConv2d(backend)(
    idOf(backend, c.x),
    batch,
    inH,
    inW,
    idOf(backend, c.filter),
    fh,
    fw,
    c.pads.top,
    c.pads.right,
    c.pads.bottom,
    c.pads.left,
    0,
    c.dilations[0],
    c.dilations[1],
    c.strides[0],
    c.strides[1],
    inC,
    outC,
    idOf(backend, out),
  );
  return out;
}

function idOf(backend: BackendWasm, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) {
    throw new BackendUnavailableError('a tensor passed to an aekit wasm kernel is not on the wasm backend');
  }
  return data.id;
}

/** Calls another kernel of the same backend directly (no tape, no engine bookkeeping). */
export function callKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const config = getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new BackendUnavailableError(
      `the tfjs wasm backend has no ${kernelName} kernel; import @tensorflow/tfjs-backend-wasm`,
    );
  }
  return (config.kernelFunc as KernelFunc)({ inputs, backend, attrs: attrs as never }) as TensorInfo;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return callKernel('Transpose', backend, { x }, { perm });
}

export function slice(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return callKernel('Slice', backend, { x }, { begin, size });
}

export function dispose(backend: BackendWasm, ...tensors: TensorInfo[]): void {
  for (const t of tensors) backend.disposeData(t.dataId);
}
