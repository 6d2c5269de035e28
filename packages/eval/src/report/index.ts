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
export { anomalyHistogramSpec, lossCurveSpec, renderSvg, scatterSpec, svgToPng } from './plots.js';
export {
  type FeatureError,
  featureErrorSpec,
  featureErrors,
  type SeriesWindow,
  seriesReconstructionSpec,
} from './run-plots.js';
export { type ReportInput, type ReportTable, writeReport } from './write-report.js';
