import type { ModelSpec, NamedTensor } from '@aekit/core';
import { ExportError } from './errors.js';
import { buildExport, type OnnxExport } from './export-onnx.js';
import { DETECTOR_METADATA_KEY } from './metadata.js';

/** What of a calibrated detector goes into its ONNX graph (the fields of an aekit detector file). */
export interface DetectorGraphSource {
  /** The detector's score; the graph computes `mse`, `mae` and `nmse`. */
  score: string;
  /** `nmse`: each feature's stored scale (mean normal squared error), one per input value. */
  featureScale?: readonly number[] | null;
  /** The calibrated threshold and the rule it came from (`fpr:0.01`). */
  threshold: { method: string; value: number; expectedFalseAlarmRate?: number | null };
  /** Summary of the calibration scores, kept in the metadata. */
  calibration?: Record<string, number>;
}

/**
 * One ONNX graph for an anomaly detector: raw `input` [batch, ...inputShape] -> the spec's scaler (if any) ->
 * the autoencoder -> `feature_errors` [batch, ...inputShape] (squared or absolute error in the model's scaled
 * units), `score` [batch] (their mean, float32) and `is_anomaly` [batch] (`score > threshold`, bool). The
 * metadata holds `aekit.part` = `detector` and `aekit.detector` = JSON of the score, threshold, method,
 * expected false-alarm rate and calibration summary.
 */
export function exportDetectorOnnx(
  spec: ModelSpec,
  weights: readonly NamedTensor[],
  detector: DetectorGraphSource,
): OnnxExport {
  const score = detector.score;
  if (score !== 'mse' && score !== 'mae' && score !== 'nmse') {
    throw new ExportError(
      `detector score "${score}" has no ONNX export (the graph computes mse, mae and nmse); fit a detector with --score mse, mae or nmse to export it.`,
      { details: { score } },
    );
  }
  const d = spec.inputShape.reduce((a, b) => a * b, 1);
  const featureScale = detector.featureScale ?? undefined;
  if (score === 'nmse' && (featureScale === undefined || featureScale.length !== d)) {
    throw new ExportError(
      `detector score nmse needs ${d} per-feature scales, got ${featureScale?.length ?? 0}; refit the detector.`,
    );
  }
  if (!Number.isFinite(detector.threshold.value)) {
    throw new ExportError(`detector threshold ${detector.threshold.value} is not a finite number.`);
  }
  const facts = {
    score,
    threshold: detector.threshold.value,
    method: detector.threshold.method,
    expectedFalseAlarmRate: detector.threshold.expectedFalseAlarmRate ?? null,
    isAnomaly: 'bool: score > threshold',
    calibration: detector.calibration ?? null,
  };
  return buildExport(spec, weights, 'full', {
    score,
    threshold: detector.threshold.value,
    ...(score === 'nmse' && featureScale ? { featureScale: Float32Array.from(featureScale) } : {}),
    metadata: { [DETECTOR_METADATA_KEY]: JSON.stringify(facts) },
  });
}
