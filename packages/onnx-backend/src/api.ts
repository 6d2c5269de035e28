// Everything both entries (Node and browser) export.
export { ExportError, OnnxModelError } from './errors.js';
export {
  type DetectorGraphSource,
  EXPORTABLE_DETECTOR_SCORES,
  exportDetectorOnnx,
} from './export-detector.js';
export {
  EXPORTABLE_ACTIVATIONS,
  EXPORTABLE_LAYERS,
  type ExportOptions,
  exportOnnx,
  type OnnxExport,
} from './export-onnx.js';
export {
  DETECTOR_METADATA_KEY,
  EXPORT_PARTS,
  type ExportPart,
  IO_NAMES,
  METADATA_KEYS,
  type ModelPart,
  type OnnxModelInfo,
} from './metadata.js';
export { type ModelParity, modelParity } from './model-parity.js';
export { AEKIT_VERSION, ONNX_IR_VERSION, ONNX_OPSET, ONNX_SCHEMA_RELEASE } from './onnx-version.js';
export { onnx } from './proto.js';
export { type ModelSource, readOnnxInfo } from './read-model.js';
export type { Runtime } from './runtime.js';
export {
  InferenceClient,
  type InferenceClientOptions,
  type Tensors,
} from './serving/inference-client.js';
export type {
  ErrorResponse,
  InferDatatype,
  InferInputTensor,
  InferOutputTensor,
  InferRequest,
  InferRequestedOutput,
  InferResponse,
  ModelMetadata,
  Parameters,
  ServerMetadata,
  TensorMetadata,
} from './serving/protocol.js';
export { InferenceServerError } from './serving/serving-error.js';
export { OnnxSession, type SessionOptions } from './session.js';
export {
  type OutputParity,
  type ParityOptions,
  type ParityReport,
  randomInputs,
  verifyParity,
} from './verify-parity.js';
