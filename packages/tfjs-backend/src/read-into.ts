import type { Tensor, Tf } from './tf.js';

/** The part of tfjs's wasm backend that exposes a tensor's values where they live (its heap). */
interface HeapBackend {
  typedArrayFromHeap(t: Tensor): Float32Array;
}

function isHeapBackend(backend: unknown): backend is HeapBackend {
  return typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * Copies a float32 tensor's values into `into` at `offset`. On tfjs's wasm backend straight out of its heap
 * (a view, one copy); `dataSync()` there copies into a fresh array first, and memory touched for the first
 * time costs about 3 us per 4 KiB page on a 2-core VM: on the dense model a 256-image reconstruction's fresh
 * copy cost about as much as its forward pass. Other backends through `data()` (the CPU backend's is its own
 * array; WebGPU's must be read back anyway).
 */
export async function readInto(tf: Tf, t: Tensor, into: Float32Array, offset: number): Promise<void> {
  const backend = tf.backend();
  if (isHeapBackend(backend) && t.dtype === 'float32') {
    into.set(backend.typedArrayFromHeap(t), offset);
    return;
  }
  into.set((await t.data()) as Float32Array, offset);
}
