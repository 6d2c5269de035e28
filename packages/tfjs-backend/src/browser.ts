// Browser entry (`exports` condition "browser" and the "./browser" subpath): the wasm (with aekit's SIMD
// training kernels), webgpu and js flavours imported statically; nothing of Node (no native tfjs, no
// checkpoint files, no threaded-wasm start on worker_threads). Same API as the Node entry otherwise.
import './device/browser-flavours.js';

export { jacobianFrobenius, sampleLatent } from './analysis.js';
export { type ConcreteTfjsDevice, type LoadedDevice, selectDevice, TFJS_DEVICES } from './device/devices.js';
export { setTfjsWasmPaths, TFJS_WASM_FILES, type TfjsWasmFile } from './device/wasm-files.js';
export { tfjsBackend } from './register.js';
export type { Tf } from './tf.js';
export { createTfjsBackend, type TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { TFJS_BACKEND_NAME, TfjsModel } from './tfjs-model.js';
export { DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, type TfjsFitResult } from './training/trainer.js';
