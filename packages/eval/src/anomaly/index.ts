export {
  AnomalyDetector,
  type DetectorInput,
  type DetectorOptions,
  type DetectorScores,
} from './detector.js';
export {
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  type DetectorFile,
  parseDetectorFile,
} from './detector-file.js';
export {
  ENSEMBLE_FORMAT,
  ENSEMBLE_FORMAT_VERSION,
  EnsembleDetector,
  type EnsembleFile,
  parseEnsembleFile,
} from './ensemble-detector.js';
export { type OneClassSplit, type OneClassSplitOptions, oneClassSplit } from './one-class-split.js';
export { fitGeneralizedPareto, type PotFit, potThreshold } from './pot.js';
export { f1Threshold, type PrecisionRecallPoint, precisionRecallCurve } from './precision-recall.js';
export {
  ReconstructionDetector,
  type ReconstructionDetectorOptions,
  type ReconstructionError,
  type Reconstructor,
} from './reconstruction-detector.js';
export { SCORE_KINDS, type ScoreKind } from './score-kind.js';
export { type ScoreSummary, summarizeScores } from './score-summary.js';
export {
  type AnomalyTable,
  type DetectorResult,
  type FeatureScaler,
  type TabularAnomalyOptions,
  type TabularAnomalyResult,
  type TrainTabularAutoencoder,
  tabularAnomaly,
} from './tabular-anomaly.js';
export {
  expectedFalseAlarmRate,
  formatThresholdRule,
  madThreshold,
  parseThresholdRule,
  percentile,
  type ThresholdRule,
  thresholdFor,
} from './threshold.js';
