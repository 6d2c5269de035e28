export type { Autoencoder } from './autoencoder.js';
export {
  BackendRegistry,
  type Initialisable,
  type ResolvedBackend,
  type ResolveOptions,
} from './backend-registry.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_OPTIMIZER,
  CHECKPOINT_VERSION,
  CHECKPOINT_WEIGHTS,
  type Checkpoint,
  type CheckpointManifest,
} from './checkpoint.js';
export {
  type CorruptFn,
  type CorruptionInput,
  corrupt,
  createCorruption,
} from './corruption/corrupt.js';
export {
  type ConcreteDevice,
  DEVICE_NAMES,
  DEVICES,
  type Device,
  GPU_DEVICES,
  isDevice,
  parseDevice,
} from './devices.js';
export {
  AekitError,
  type AekitErrorCode,
  type AekitErrorOptions,
  BackendUnavailableError,
  DataError,
  MissingDependencyError,
  OptionError,
  ShapeMismatchError,
  SpecValidationError,
  TrainingDivergedError,
} from './errors.js';
export { type FiniteCheckOptions, requireFinite } from './finite.js';
export { gatherRows } from './gather.js';
export { initialWeights } from './initial-weights.js';
export {
  detectPackageManager,
  type InstallCommandOptions,
  installCommand,
  type PackageManager,
} from './install-command.js';
export { getLogger, infoOnce, type Logger, setLogger } from './logger.js';
export { trainingBackends } from './registries.js';
export { createRng, type Rng } from './rng.js';
export { inScaledUnits, withScaler } from './scaled-model.js';
export { ACTIVATIONS, type Activation, LEAKY_RELU_ALPHA } from './spec/activation.js';
export { type Corruption, corruptionSchema } from './spec/corruption.js';
export {
  LAYER_TYPES,
  type Layer,
  type LayerInput,
  type LayerOf,
  type LayerType,
  layerSchema,
  toPair,
} from './spec/layers.js';
export {
  type Latent,
  type ModelSpec,
  type ModelSpecInput,
  modelSpecSchema,
  parseSpecFields,
  type ReconstructionLoss,
  SPEC_VERSION,
} from './spec/model-spec.js';
export { type ParamInfo, paramInfos } from './spec/params.js';
export { type Regularizer, regularizerSchema } from './spec/regularizers.js';
export { type Scaler, scalerSchema, scaleValues, unscaleValues } from './spec/scaler.js';
export { inferShapes, layerOutputShape, type Part, type SpecShapes, traceShapes } from './spec/shapes.js';
export { validateSpec } from './spec/validate.js';
export {
  batchCount,
  formatShape,
  type NamedTensor,
  shapeSize,
  shapesEqual,
  type TensorData,
  tensor,
} from './tensor.js';
export type {
  BatchInfo,
  EpochMetrics,
  EvaluateResult,
  FitCallbacks,
  FitOptions,
  FitResult,
  TrainableModel,
  TrainData,
  TrainingBackend,
  TrainingState,
} from './training.js';
export { checkWeights, packWeights, unpackWeights, type WeightEntry } from './weights.js';
