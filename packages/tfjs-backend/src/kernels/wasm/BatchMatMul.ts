import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  _FusedMatMul,
  BatchMatMul,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { addressOf, type NativeKernels, nativeKernels, type ProductArgs } from './native.js';
import { type KernelThreads, kernelThreadsFor } from './native-threads.js';
import { dispose, transpose } from './wasm-ops.js';

interface MatMulArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: BackendWasm;
  attrs: { transposeA: boolean; transposeB: boolean; activation?: string } & Record<string, unknown>;
}

/**
 * The activations the SIMD kernel fuses, as its clamp bounds and sigmoid flag; other activations go to the
 * stock kernel.
 */
export const ACTIVATIONS: Record<string, [lo: number, hi: number, sigmoid: number]> = {
  linear: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0],
  relu: [0, Number.POSITIVE_INFINITY, 0],
  relu6: [0, 6, 0],
  sigmoid: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1],
};

/**
 * The product with aekit's SIMD kernel (native/matmul.c), which reads either operand transposed in
 * place and fuses the bias and a clamp activation or the sigmoid; null when it does not apply (no module, non-float
 * operands, outer dimensions that neither match nor are 1, a bias that is not one value per column).
 */
function nativeMatMul(args: MatMulArgs): TensorInfo | null {
  const { inputs, backend, attrs } = args;
  const native = nativeKernels(backend);
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const bias = inputs.bias;
  const activation = ACTIVATIONS[attrs.activation ?? 'linear'];
  if (native === null || activation === undefined || a.dtype !== 'float32' || b.dtype !== 'float32')
    return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2] as number, a.shape[ra - 1] as number];
  const [bRows, bCols] = [b.shape[rb - 2] as number, b.shape[rb - 1] as number];
  const M = attrs.transposeA ? aCols : aRows;
  const K = attrs.transposeA ? aRows : aCols;
  const N = attrs.transposeB ? bRows : bCols;
  const kB = attrs.transposeB ? bCols : bRows;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  if (K !== kB || K === 0 || M === 0 || N === 0) return null;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  if (batchA === batchB && batchA > 1 && !util.arraysEqual(outerA, outerB)) return null;
  const perColumn = (t: TensorInfo) => util.sizeFromShape(t.shape) === N && t.shape[t.shape.length - 1] === N;
  if (bias !== undefined && (bias.dtype !== 'float32' || !perColumn(bias))) return null;
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = backend.makeOutput([...outer, M, N], 'float32');
  const threads = kernelThreadsFor(backend, M * N * K);
  const scratchFloats = native.matmulScratchFloats(K);
  const scratch = backend.makeOutput([scratchFloats * (threads?.count ?? 1)], 'float32');
  const pa = addressOf(backend, a);
  const pb = addressOf(backend, b);
  const pc = addressOf(backend, out);
  const pScratch = addressOf(backend, scratch);
  const pBias = bias === undefined ? 0 : addressOf(backend, bias);
  const batch = Math.max(batchA, batchB);
  const [transA, transB] = [attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0];
  for (let i = 0; i < batch; i++) {
    const ai = pa + (batchA === 1 ? 0 : i * M * K * 4);
    const bi = pb + (batchB === 1 ? 0 : i * K * N * 4);
    const ci = pc + i * M * N * 4;
    nativeProduct(native, threads, pScratch, scratchFloats, [
      ai,
      bi,
      pBias,
      ci,
      M,
      N,
      K,
      transA,
      transB,
      ...activation,
    ]);
  }
  dispose(backend, scratch);
  return out;
}

/**
 * One product on addresses in the backend's memory: on `threads` (kernelThreadsFor the product's
 * multiply-adds) each with its own `scratchFloats` floats (matmulScratchFloats(K)) of `scratch`, else on the
 * calling thread. The Dense, MatMul and fused-MatMul kernels run this, and so does the trainer's native dense
 * step.
 */
export function nativeProduct(
  native: NativeKernels,
  threads: KernelThreads | undefined,
  scratch: number,
  scratchFloats: number,
  args: ProductArgs,
): void {
  if (threads === undefined) {
    native.matmul(...args, scratch);
    return;
  }
  const [rows, panels] = matmulTasks(args[4], args[5], threads);
  threads.run('matmul_tasks', (t) => [
    ...args,
    scratch + t * scratchFloats * 4,
    threads.counter,
    rows,
    panels,
  ]);
}

/** Register tile of native/matmul.c: MR rows by NR columns (a panel). */
const MR = 4;
const NR = 8;
/** Tasks per thread: enough that a late or slower thread leaves the rest to the others. */
const TASKS_PER_THREAD = 8;

/**
 * How matmul_tasks cuts an M x N product for these threads: [rows per task (a multiple of MR), panels of NR
 * columns per task]. Whole columns first (each panel of B is packed once), rows as well when there are few.
 */
export function matmulTasks(M: number, N: number, threads: Pick<KernelThreads, 'count'>): [number, number] {
  const wanted = TASKS_PER_THREAD * threads.count;
  const panels = Math.ceil(N / NR);
  const rowChunks = Math.min(Math.ceil(M / MR), Math.max(1, Math.ceil(wanted / panels)));
  const rows = MR * Math.ceil(Math.ceil(M / rowChunks) / MR);
  const panelTasks = Math.min(panels, Math.max(1, Math.floor(wanted / rowChunks)));
  return [rows, Math.ceil(panels / panelTasks)];
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * The wasm backend runs a matmul through XNNPACK only when neither operand is transposed; with
 * `transposeA` or `transposeB` (every matmul gradient) it falls back to a scalar loop about 6x slower.
 * Without the SIMD module, this materialises the transposes with the (memory-bound, cheap) Transpose
 * kernel and calls the stock kernel without them.
 */
function matMul(kernelName: string): KernelFunc {
  return (kernelArgs) => {
    const args = kernelArgs as unknown as MatMulArgs;
    const viaNative = nativeMatMul(args);
    if (viaNative !== null) return viaNative;
    const { inputs, backend, attrs } = args;
    const stock = requireStockKernel(kernelName, 'wasm');
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    if (!attrs.transposeA && !attrs.transposeB) return stock.kernelFunc(kernelArgs);
    const temps: TensorInfo[] = [];
    const a2 = attrs.transposeA ? transpose(backend, a, swapLastTwo(a.shape.length)) : a;
    const b2 = attrs.transposeB ? transpose(backend, b, swapLastTwo(b.shape.length)) : b;
    if (a2 !== a) temps.push(a2);
    if (b2 !== b) temps.push(b2);
    try {
      return stock.kernelFunc({
        inputs: { ...inputs, a: a2, b: b2 },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never);
    } finally {
      dispose(backend, ...temps);
    }
  };
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: matMul(BatchMatMul),
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: matMul(_FusedMatMul),
};
