import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  _FusedMatMul,
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { requireStockKernel } from '../stock-kernels.js';
import { dispose, transpose } from './wasm-ops.js';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * The wasm backend runs a matmul through XNNPACK only when neither operand is transposed; with
 * `transposeA` or `transposeB` (every matmul gradient) it falls back to a scalar loop about 6x slower.
 * This wrapper materialises the transposes with the (memory-bound, cheap) Transpose kernel and calls the
 * stock kernel without them.
 */
function materializeTransposes(kernelName: string): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as {
      inputs: Record<string, TensorInfo>;
      backend: BackendWasm;
      attrs: { transposeA: boolean; transposeB: boolean } & Record<string, unknown>;
    };
    const stock = requireStockKernel(kernelName, 'wasm');
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    if (!attrs.transposeA && !attrs.transposeB) return stock.kernelFunc(args);
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
  kernelFunc: materializeTransposes(BatchMatMul),
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: materializeTransposes(_FusedMatMul),
};
