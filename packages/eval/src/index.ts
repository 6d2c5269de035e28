export { pngRate, quantizeUint8, type RateQualityRow, rateQualityTable } from './compression.js';
export { type NegativeElboParts, negativeElbo, vaeNegativeElbo } from './elbo.js';
export {
  type EvaluateOptions,
  type EvaluationResult,
  evaluateAutoencoder,
  evaluationReport,
  evaluationTables,
  type LabelledImages,
  type ReconstructionSummary,
  type RepresentationSummary,
} from './evaluate.js';
export { fromFloat16Bits, roundTripFloat16, toFloat16Bits } from './float16.js';
export { bcePer, msePer, psnrPer } from './image-metrics.js';
export {
  encodePng,
  type GridPixels,
  type ImageGridOptions,
  imageGrid,
  imageGridPixels,
  writePng,
} from './images/index.js';
export { KnnDetector, type KnnDetectorOptions } from './knn.js';
export {
  encodeAll,
  fitStandardizer,
  type LinearProbe,
  type LinearProbeOptions,
  precisionAtK,
  projectPca2d,
  projectUmap2d,
  type Standardizer,
  standardize,
  trainLinearProbe,
} from './latent.js';
export {
  type OneClassSplit,
  type OneClassSplitOptions,
  oneClassSplit,
} from './one-class-split.js';
export { Pca, type PcaOptions } from './pca.js';
export { anomalyHistogramSpec, lossCurveSpec, renderSvg, scatterSpec, svgToPng } from './plots.js';
export { prAuc, rocAuc } from './ranking.js';
export {
  ReconstructionDetector,
  type ReconstructionDetectorOptions,
  type ReconstructionError,
  type Reconstructor,
} from './reconstruction-detector.js';
export { type ReportInput, type ReportTable, writeReport } from './report.js';
export { type ImageShape, type SsimOptions, ssimPer } from './ssim.js';
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
