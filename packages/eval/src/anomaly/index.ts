export { type OneClassSplit, type OneClassSplitOptions, oneClassSplit } from './one-class-split.js';
export {
  ReconstructionDetector,
  type ReconstructionDetectorOptions,
  type ReconstructionError,
  type Reconstructor,
} from './reconstruction-detector.js';
export {
  type AnomalyTable,
  type DetectorResult,
  type FeatureScaler,
  type TabularAnomalyOptions,
  type TabularAnomalyResult,
  type TrainTabularAutoencoder,
  tabularAnomaly,
} from './tabular-anomaly.js';
export { percentile, type ThresholdRule, thresholdFor } from './threshold.js';
