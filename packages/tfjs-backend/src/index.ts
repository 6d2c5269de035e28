export { jacobianFrobenius, sampleLatent } from './analysis.js';
export { type ConcreteTfjsDevice, type LoadedDevice, selectDevice, TFJS_DEVICES } from './device/devices.js';
export { enableWasmRelaxedSimd } from './device/relaxed-simd.js';
export { tfjsBackend } from './register.js';
export type { Tf } from './tf.js';
export { createTfjsBackend, type TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { TFJS_BACKEND_NAME, TfjsModel } from './tfjs-model.js';
export { DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, type TfjsFitResult } from './training/trainer.js';
