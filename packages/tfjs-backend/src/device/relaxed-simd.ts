import { setFlagsFromString } from 'node:v8';
import { nativeModuleBytes } from '../kernels/wasm/native.js';

/**
 * Turns on WebAssembly relaxed SIMD for this Node process where it is still behind V8's
 * --experimental-wasm-relaxed-simd (Node 20 and 21; Node 22+ and current browsers validate it by default), so
 * that aekit's wasm kernels load their build with fused multiply-adds (kernels/wasm/native.ts). Call it before
 * the first wasm device starts: kernels compiled earlier keep their build. Node documents changing V8 flags
 * after start-up as unsupported, which is why the library does not do it unasked; the aekit CLI calls it for
 * its own process. Nothing changes with AEKIT_WASM_RELAXED_SIMD=0. Returns whether the kernels' relaxed build
 * validates now.
 */
export function enableWasmRelaxedSimd(): boolean {
  if (process.env.AEKIT_WASM_RELAXED_SIMD === '0') return false;
  if (Number(process.versions.node.split('.')[0]) < 22)
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  return nativeModuleBytes(false).relaxed;
}
