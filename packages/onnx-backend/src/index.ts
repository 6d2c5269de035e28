// Node entry: the shared API, sessions on onnxruntime-node / onnxruntime-web, and file writing.
export * from './api.js';
export { createSession } from './node-platform.js';
export { saveOnnx } from './save-onnx.js';
export { DynamicBatcher, type DynamicBatcherOptions } from './serving/dynamic-batcher.js';
export { type GraphSignature, graphSignature, type TensorSignature } from './serving/graph-signature.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  InferenceServer,
  type InferenceServerOptions,
  startInferenceServer,
} from './serving/inference-server.js';
export { type KServeManifestOptions, kserveManifest } from './serving/kserve-manifest.js';
export {
  formatModelConfig,
  MODEL_CONFIG_PROTO,
  parseModelConfig,
  type TritonModelConfig,
  type TritonTensorConfig,
} from './serving/model-config.js';
export { loadModelRepository, type RepositoryModel } from './serving/model-repository.js';
export { checkModelName, type TritonConfigOptions, tritonModelConfig } from './serving/triton-config.js';
export {
  readModelConfig,
  type TritonRepositoryOptions,
  type TritonRepositoryResult,
  writeTritonRepository,
} from './serving/triton-repository.js';
