export { jacobianFrobenius, sampleLatent } from './analysis.js';
export {
  AUTO_ORDER,
  type ConcreteDevice,
  DEVICES,
  type Device,
  type LoadedDevice,
  parseDevice,
  selectDevice,
} from './devices.js';
export { DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, type TfjsFitResult } from './fit.js';
export { registerTrainingKernels } from './kernels/index.js';
export { BCE_EPSILON } from './losses.js';
export { CONTRACTIVE_EXACT_MAX, CONTRACTIVE_PROJECTIONS } from './network.js';
export { TFJS_BACKEND_PRIORITY, tfjsBackend } from './register.js';
export type { Tf } from './tf.js';
export { createTfjsBackend, type TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { INFERENCE_BATCH, TFJS_BACKEND_NAME, TfjsModel } from './tfjs-model.js';
