import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, type NativeKernels } from './native.js';
import { dispose } from './wasm-ops.js';

/**
 * A reduction on the kernel threads: `job(parts)` runs tasks that each leave `size` float32 values in a part
 * of their own at `parts + task * size * 4`; the parts are then added up in task order (sum_rows) into `out`,
 * so the result does not depend on which thread ran which task. `out`: its address in the heap.
 */
export function addUpTaskParts(
  backend: BackendWasm,
  native: NativeKernels,
  out: number,
  tasks: number,
  size: number,
  job: (parts: number) => void,
): void {
  const parts = backend.makeOutput([tasks, size], 'float32');
  try {
    job(addressOf(backend, parts));
    native.sumRows(addressOf(backend, parts), out, tasks, size);
  } finally {
    dispose(backend, parts);
  }
}
