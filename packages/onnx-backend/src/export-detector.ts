import { inferShapes, type ModelSpec, type NamedTensor, shapeSize, validateSpec } from '@aekit/core';
import { ExportError } from './errors.js';
import { appendDetectorScore, KNN_CHUNK_VALUES, type ScoreGraphOptions } from './export-detector-graph.js';
import { buildExport, type OnnxExport } from './export-onnx.js';
import { DETECTOR_METADATA_KEY } from './metadata.js';

/** Detector scores the graph computes (every aekit score but `ssim`). */
export const EXPORTABLE_DETECTOR_SCORES: readonly string[] = Object.freeze([
  'mse',
  'mae',
  'nmse',
  'elbo',
  'latent-knn',
  'mse+latent-knn',
  'nmse+latent-knn',
]);

/** What of a calibrated detector goes into its ONNX graph (the fields of an aekit detector file). */
export interface DetectorGraphSource {
  /** The detector's score, one of EXPORTABLE_DETECTOR_SCORES. */
  score: string;
  /** `nmse` kinds: each feature's stored scale (mean normal squared error), one per input value. */
  featureScale?: readonly number[] | null;
  /** Latent kNN kinds: the codes of the normal data fitted on, stacked [N, codeSize]. */
  codes?: ArrayLike<number> | null;
  /** Latent kNN kinds (detector file version 2): each code value's mean and divisor; distances between standardised codes. */
  codeScale?: { mean: ArrayLike<number>; std: ArrayLike<number> } | null;
  /** Latent kNN kinds: the neighbour whose distance is the score. */
  k?: number;
  /** Combined kinds: [mean, std] of each part on the calibration data. */
  normalisation?: { mse: [number, number]; latentKnn: [number, number] } | null;
  /** The calibrated threshold and the rule it came from (`fpr:0.01`). */
  threshold: { method: string; value: number; expectedFalseAlarmRate?: number | null };
  /** Summary of the calibration scores, kept in the metadata. */
  calibration?: object;
}

const finite = (values: ArrayLike<number>): boolean => Array.from(values).every(Number.isFinite);

/** The score nodes of `detector` on `spec`, checked; an ExportError names what is missing and the fix. */
function scoreGraph(spec: ModelSpec, detector: DetectorGraphSource): ScoreGraphOptions {
  const score = detector.score;
  if (!EXPORTABLE_DETECTOR_SCORES.includes(score)) {
    throw new ExportError(
      `detector score "${score}" has no ONNX export (the graph computes ${EXPORTABLE_DETECTOR_SCORES.join(', ')}); fit a detector with one of those --score kinds to export it.`,
      { details: { score } },
    );
  }
  const out: ScoreGraphOptions = { threshold: detector.threshold.value };
  const d = spec.inputShape.reduce((a, b) => a * b, 1);
  if (score.startsWith('nmse')) {
    const featureScale = detector.featureScale ?? undefined;
    if (featureScale === undefined || featureScale.length !== d) {
      throw new ExportError(
        `detector score ${score} needs ${d} per-feature scales, got ${featureScale?.length ?? 0}; refit the detector.`,
      );
    }
    out.error = { kind: 'nmse', featureScale: Float32Array.from(featureScale) };
  } else if (score === 'mse' || score === 'mae' || score === 'mse+latent-knn') {
    out.error = { kind: score === 'mae' ? 'mae' : 'mse' };
  } else if (score === 'elbo') {
    const loss = spec.loss.reconstruction;
    if (spec.latent.type !== 'gaussian' || loss === 'l1') {
      throw new ExportError(
        `detector score elbo needs a VAE trained with the bce or mse loss; model "${spec.name}" has a ${spec.latent.type} latent and the ${loss} loss.`,
      );
    }
    out.error = { kind: 'elbo', loss, beta: spec.latent.beta };
  }
  if (score.endsWith('latent-knn')) {
    const codes = detector.codes ?? undefined;
    const k = detector.k;
    if (codes === undefined || k === undefined || !Number.isInteger(k) || k < 1) {
      throw new ExportError(
        `detector score ${score} needs the fitted codes and k (got ${codes === undefined ? 'no codes' : `${codes.length} code values`}, k ${String(k)}); refit the detector.`,
      );
    }
    const codeSize = shapeSize(inferShapes(validateSpec(spec)).latent);
    const count = codes.length / codeSize;
    if (!Number.isInteger(count) || count <= k || !finite(codes)) {
      throw new ExportError(
        `detector score ${score}: ${codes.length} code values are not more than k=${k} finite codes of ${codeSize} values; refit the detector with this model.`,
      );
    }
    const cs = detector.codeScale ?? undefined;
    if (cs !== undefined && (cs.mean.length !== codeSize || cs.std.length !== codeSize)) {
      throw new ExportError(
        `detector score ${score}: a code scale of ${cs.mean.length} values for codes of ${codeSize}; refit the detector with this model.`,
      );
    }
    out.latent = {
      codes: Float32Array.from(codes),
      count,
      k,
      ...(cs && { scale: { mean: Float32Array.from(cs.mean), std: Float32Array.from(cs.std) } }),
    };
  }
  if (score.includes('+')) {
    const n = detector.normalisation ?? undefined;
    if (n === undefined || !finite([...n.mse, ...n.latentKnn])) {
      throw new ExportError(
        `detector score ${score} needs its calibration normalisation; refit the detector.`,
      );
    }
    out.normalisation = { error: n.mse, latent: n.latentKnn };
  }
  return out;
}

/**
 * One ONNX graph for an anomaly detector, raw `input` [batch, ...inputShape] -> the spec's scaler (if any) ->
 * the autoencoder -> the detector's score in the model's scaled units, as `AnomalyDetector` computes it:
 * - `mse` / `mae`: `feature_errors` [batch, ...inputShape] = (reconstruction - input)^2 / |.|, `score` their mean;
 * - `nmse`: the squared errors divided by the stored per-feature scale, then their mean;
 * - `elbo` (VAEs): `feature_errors` = the loss's per-feature term (bce, or half the squared error) of the
 *   reconstruction decoded from the mean, `score` = their sum + beta * KL of the mean and log-variance heads;
 * - `latent-knn`: the distance from the input's code to the k-th nearest of the stored N codes, both
 *   standardised with the stored code scale when the detector has one (no decoder, no `feature_errors`);
 * - `mse+latent-knn` / `nmse+latent-knn`: `feature_errors` of mse / nmse, `score` = the sum of both parts'
 *   z-scores with the stored calibration mean and std.
 * `is_anomaly` [batch] is `score > threshold` (bool), `score` float32. The metadata holds `aekit.part` =
 * `detector` and `aekit.detector` = JSON of the score, threshold, method, expected false-alarm rate and
 * calibration summary (and k, N codes for the latent kinds).
 *
 * Memory of the latent kinds: the N x codeSize stored codes (4 bytes each) once in the model; per input row,
 * at most KNN_CHUNK_VALUES (65,536) float32 differences of one chunk of codes plus 2N float32 squared distances
 * (with N = 6,000 codes of 16 values: 256 KiB + 47 KiB per row, so 76 MiB for a batch of 256). Measured on
 * ONNX Runtime (CPU, a dense 784-16 model, batch 256): the process grows by 207 MiB at N = 6,000 and by
 * 229 MiB at N = 60,000 (its arena included), 0.18 s and 1.3 s per batch.
 */
export function exportDetectorOnnx(
  spec: ModelSpec,
  weights: readonly NamedTensor[],
  detector: DetectorGraphSource,
): OnnxExport {
  const score = detector.score;
  if (!Number.isFinite(detector.threshold.value)) {
    throw new ExportError(`detector threshold ${detector.threshold.value} is not a finite number.`);
  }
  const graph = scoreGraph(spec, detector);
  const facts = {
    score,
    threshold: detector.threshold.value,
    method: detector.threshold.method,
    expectedFalseAlarmRate: detector.threshold.expectedFalseAlarmRate ?? null,
    isAnomaly: 'bool: score > threshold',
    calibration: detector.calibration ?? null,
    ...(graph.latent && { k: graph.latent.k, codes: graph.latent.count, chunkValues: KNN_CHUNK_VALUES }),
  };
  return buildExport(spec, weights, 'full', {
    score,
    usesReconstruction: graph.error !== undefined,
    appendScore: (g, flows) => appendDetectorScore(g, flows, graph),
    metadata: { [DETECTOR_METADATA_KEY]: JSON.stringify(facts) },
  });
}
