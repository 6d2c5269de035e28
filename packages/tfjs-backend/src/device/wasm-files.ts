import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The tfjs wasm builds the wasm device may fetch: single-threaded, SIMD, threaded SIMD (cross-origin isolated). */
export const TFJS_WASM_FILES = Object.freeze([
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const);

export type TfjsWasmFile = (typeof TFJS_WASM_FILES)[number];

/**
 * Where the wasm device fetches tfjs' .wasm files in a browser, before the first `init()`: a prefix ending in
 * '/' (a folder or CDN holding the three files of `@tensorflow/tfjs-backend-wasm/wasm-out/`), or the URL of
 * each of the three (from a bundler, e.g. vite's `?url` imports: tfjs wants all three, it picks one at init).
 * Without it tfjs looks beside the script that runs it, where a bundle has not put them.
 */
export function setTfjsWasmPaths(location: string | Record<TfjsWasmFile, string>): void {
  setWasmPaths(location);
}
