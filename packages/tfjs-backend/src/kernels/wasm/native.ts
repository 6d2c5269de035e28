import { BackendUnavailableError } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import {
  NATIVE_WASM_PLAIN,
  NATIVE_WASM_PLAIN_RELAXED,
  NATIVE_WASM_SHARED,
  NATIVE_WASM_SHARED_RELAXED,
} from './native-module.generated.js';
import { startKernelThreads, TASK_EXPORTS } from './native-threads.js';

/** A 2-D NHWC convolution's (or pool's) geometry, in the order the SIMD kernels take it. */
export type ConvGeometry = [
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  outH: number,
  outW: number,
  outC: number,
  filterH: number,
  filterW: number,
  strideH: number,
  strideW: number,
  dilationH: number,
  dilationW: number,
  padTop: number,
  padLeft: number,
];

export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/** aekit's own WebAssembly SIMD kernels (native/*.c), working in place on the tfjs wasm backend's memory. */
/** One matrix product's arguments as NativeKernels.matmul takes them, up to its scratch. */
export type ProductArgs = [
  a: number,
  b: number,
  bias: number,
  c: number,
  M: number,
  N: number,
  K: number,
  transA: number,
  transB: number,
  lo: number,
  hi: number,
  sigmoid: number,
];

export interface NativeKernels {
  conv2dBackpropFilter(x: number, dy: number, dw: number, ...geometry: ConvGeometry): void;
  /**
   * Input gradient of a strided convolution (Conv2DTranspose's forward pass) into x, from dy and the
   * forward filter [filterH, filterW, inC, outC], `chunk` images per product; scratch holds
   * matmulScratchFloats(outC) + chunk * outH * outW * filterH * filterW * inC floats. With fused = 1,
   * x = clamp(x + bias, lo, hi) after (bias: inC floats, or 0 for none).
   */
  conv2dTranspose(
    dy: number,
    filter: number,
    x: number,
    scratch: number,
    chunk: number,
    ...geometryThenEpilogue: [...ConvGeometry, fused: number, bias: number, lo: number, hi: number]
  ): void;
  /** Forward convolution, filter as [outC, filterH, filterW, inC]. */
  conv2dFewOutputs(x: number, filter: number, y: number, ...geometry: ConvGeometry): void;
  /** Max-pool gradient; a pool's geometry has outC = inC. */
  maxPoolGrad(x: number, dy: number, dx: number, ...geometry: ConvGeometry): void;
  /** Nearest-neighbour resize of x into y, for the mapping src = floor(i * in / out) only. */
  resizeNearest(
    x: number,
    y: number,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
  ): void;
  /** For the mapping src = floor(i * in / out) only. */
  resizeNearestGrad(
    dy: number,
    dx: number,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
  ): void;
  /**
   * c[M, N] = clamp(op(a) . op(b) + bias, lo, hi), then its sigmoid when `sigmoid` is 1; a is [M, K]
   * (transA: [K, M]), b is [K, N] (transB: [N, K]), bias N floats or 0; scratch holds
   * matmulScratchFloats(K) floats.
   */
  matmul(...args: [...ProductArgs, scratch: number]): void;
  /** The scratch floats `matmul` needs for inner dimension K. */
  matmulScratchFloats(K: number): number;
  /** out[c] = sum over r of x[r * cols + c]. */
  sumRows(x: number, out: number, rows: number, cols: number): void;
  /** dx = dy where x > 0, else 0. */
  reluGrad(dy: number, x: number, dx: number, n: number): void;
  /** y = 1 / (1 + e^-x), n values. */
  sigmoid(x: number, y: number, n: number): void;
  /** Binary cross-entropy summed over n values (float64), probabilities clipped to [lo, hi]. */
  binaryCrossEntropySum(p: number, y: number, n: number, lo: number, hi: number): number;
  binaryCrossEntropyGrad(
    p: number,
    y: number,
    dp: number,
    n: number,
    scale: number,
    lo: number,
    hi: number,
  ): void;
  /** Binary cross-entropy of sigmoid(z) from the logits, summed over n values (float64). */
  sigmoidCrossEntropySum(z: number, y: number, n: number): number;
  /** dz = scale (sigmoid(z) - y). */
  sigmoidCrossEntropyGrad(z: number, y: number, dz: number, n: number, scale: number): void;
  adamUpdate(
    param: number,
    m: number,
    v: number,
    gradient: number,
    paramOut: number,
    mOut: number,
    vOut: number,
    n: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    c1: number,
    c2: number,
  ): void;
}

interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

/** The module's export (C function name) behind each kernel. */
const EXPORT_NAMES: Record<keyof NativeKernels, string> = {
  conv2dBackpropFilter: 'conv2d_backprop_filter',
  conv2dTranspose: 'conv2d_transpose',
  conv2dFewOutputs: 'conv2d_few_outputs',
  maxPoolGrad: 'max_pool_grad',
  resizeNearest: 'resize_nearest',
  resizeNearestGrad: 'resize_nearest_grad',
  matmul: 'matmul',
  matmulScratchFloats: 'matmul_scratch_floats',
  sumRows: 'sum_rows',
  reluGrad: 'relu_grad',
  sigmoid: 'sigmoid',
  binaryCrossEntropySum: 'binary_cross_entropy_sum',
  binaryCrossEntropyGrad: 'binary_cross_entropy_grad',
  sigmoidCrossEntropySum: 'sigmoid_cross_entropy_sum',
  sigmoidCrossEntropyGrad: 'sigmoid_cross_entropy_grad',
  adamUpdate: 'adam_update',
};

const byBackend = new WeakMap<BackendWasm, NativeKernels | null>();
/** The compiled module, the memory and the instance's exports behind each backend's kernels. */
const sources = new WeakMap<
  BackendWasm,
  { module: WebAssembly.Module; memory: WebAssembly.Memory; exports: WebAssembly.Exports }
>();
let lastReason: string | undefined;

let enabled = !(typeof process !== 'undefined' && process.env?.AEKIT_NATIVE_KERNELS === '0');

/**
 * Turns aekit's SIMD kernels on or off for the wasm backend (default on, off with AEKIT_NATIVE_KERNELS=0).
 * Off, every kernel runs its fallback: compositions of tfjs's own kernels or JavaScript loops.
 */
export function setNativeKernelsEnabled(on: boolean): void {
  enabled = on;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const relaxedBy = new WeakMap<BackendWasm, boolean>();

/**
 * The module's bytes for this memory: the relaxed-SIMD build (fused multiply-adds: the products run about 1.7x
 * faster where the CPU has FMA) when the runtime validates it (Node 22+, Chrome 114+, Node 20 started with
 * --experimental-wasm-relaxed-simd) and AEKIT_WASM_RELAXED_SIMD is not 0, else the plain SIMD build. @internal
 */
export function nativeModuleBytes(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } {
  const off = typeof process !== 'undefined' && process.env?.AEKIT_WASM_RELAXED_SIMD === '0';
  if (!off) {
    const bytes = decodeBase64(shared ? NATIVE_WASM_SHARED_RELAXED : NATIVE_WASM_PLAIN_RELAXED);
    if (WebAssembly.validate(bytes)) return { bytes, relaxed: true };
  }
  return { bytes: decodeBase64(shared ? NATIVE_WASM_SHARED : NATIVE_WASM_PLAIN), relaxed: false };
}

/** Whether this backend's kernels run the relaxed-SIMD build (undefined: none loaded). @internal */
export function nativeKernelsRelaxed(backend: BackendWasm): boolean | undefined {
  return relaxedBy.get(backend);
}

function instantiate(backend: BackendWasm): NativeKernels | null {
  const module = backend.wasm as unknown as EmscriptenModule;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (memory === undefined) {
    lastReason = "the tfjs wasm module exposes no memory (neither 'wasmMemory' nor 'asm.memory')";
    return null;
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const { bytes, relaxed } = nativeModuleBytes(shared);
    const compiled = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    const kernels: Record<string, unknown> = {};
    for (const exported of TASK_EXPORTS) {
      if (typeof instance.exports[exported] !== 'function')
        throw new Error(`the SIMD module has no export ${exported}`);
    }
    sources.set(backend, { module: compiled, memory, exports: instance.exports });
    for (const [name, exported] of Object.entries(EXPORT_NAMES)) {
      const fn = instance.exports[exported];
      if (typeof fn !== 'function') throw new Error(`the SIMD module has no export ${exported}`);
      kernels[name] = fn;
    }
    relaxedBy.set(backend, relaxed);
    lastReason = undefined;
    return kernels as unknown as NativeKernels;
  } catch (error) {
    // No WebAssembly SIMD, or a main thread that refuses synchronous compilation: the callers fall back
    // to compositions of the backend's own kernels.
    lastReason = error instanceof Error ? error.message : String(error);
    return null;
  }
}

/**
 * aekit's native kernels bound to this backend's memory, or null when they cannot run here (then
 * `nativeKernelsUnavailableReason()` says why).
 * @internal (for the kernels: kept out of the published .d.ts, which would otherwise pull in tfjs-backend-wasm's,
 * whose `EmscriptenModule` type needs @types/emscripten)
 */
export function nativeKernels(backend: BackendWasm): NativeKernels | null {
  if (!enabled) {
    lastReason = 'turned off (setNativeKernelsEnabled(false) or AEKIT_NATIVE_KERNELS=0)';
    return null;
  }
  let kernels = byBackend.get(backend);
  if (kernels === undefined) {
    kernels = instantiate(backend);
    byBackend.set(backend, kernels);
  }
  return kernels;
}

/**
 * Has `threads - 1` worker threads share aekit's kernels on this backend (see native-threads.ts); resolves
 * to why not when they cannot (the kernels then run on the calling thread).
 * @internal
 */
export async function startNativeKernelThreads(
  backend: BackendWasm,
  threads: number,
): Promise<string | undefined> {
  if (nativeKernels(backend) === null) return `aekit's SIMD kernels are not available (${lastReason})`;
  const source = sources.get(backend);
  return source === undefined
    ? 'internal: no module behind the kernels'
    : startKernelThreads(backend, source, threads);
}

/** Why the last attempt to load the native kernels failed, if it did. */
export function nativeKernelsUnavailableReason(): string | undefined {
  return lastReason;
}

/** Byte offset of a tensor's data in the backend's memory. @internal (see nativeKernels) */
export function addressOf(backend: BackendWasm, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) {
    throw new BackendUnavailableError('a tensor passed to an aekit wasm kernel is not on the wasm backend');
  }
  return data.memoryOffset;
}
