import { SCORE_KINDS, type ScoreKind } from './score-kind.js';
import type { ScoreSummary } from './score-summary.js';
import { badField, readVersionedFile, type VersionedFileKind } from './versioned-file.js';

export const DETECTOR_FORMAT = 'aekit-detector';
/**
 * Version of the detector file this package writes; it reads this one and every older one. 2 added
 * `codeScale` (latent kNN on standardised codes); a version-1 file's latent scores stay on its raw codes.
 */
export const DETECTOR_FORMAT_VERSION = 2;

/** A detector file (JSON): everything but the model's weights, which stay in its checkpoint. */
export interface DetectorFile {
  readonly format: typeof DETECTOR_FORMAT;
  readonly version: number;
  readonly score: ScoreKind;
  /** `method` as `parseThresholdRule` reads it (`fpr:0.01`), `value` the calibrated threshold. */
  readonly threshold: { method: string; value: number; expectedFalseAlarmRate: number | null };
  /** One sample's shape, as the model takes it. */
  readonly inputShape: number[];
  /** Column names of the table fitted on, null for other data. */
  readonly columns: string[] | null;
  readonly fittedOn: { count: number };
  readonly calibration: ScoreSummary;
  /** Neighbours of the latent kNN score. */
  readonly k: number;
  /** `mse+latent-knn`: [mean, std] of each part on the calibration data. */
  readonly normalisation: { mse: [number, number]; latentKnn: [number, number] } | null;
  /** Latent scores: the codes of the normal data fitted on, stacked. */
  readonly codes: number[] | null;
  /** Latent scores (version 2): each code value's mean and divisor; distances are between standardised codes. */
  readonly codeScale?: { mean: number[]; std: number[] } | null;
  /** `nmse` scores: each feature's mean squared error on the normal data fitted on (+ 1e-4). */
  readonly featureScale?: number[] | null;
  /** Free-form facts about the model (the CLI: its checkpoint). */
  readonly model: Record<string, unknown>;
}

const SCORES: readonly string[] = SCORE_KINDS;

const KIND: VersionedFileKind = {
  what: 'detector file',
  format: DETECTOR_FORMAT,
  version: DETECTOR_FORMAT_VERSION,
  fix: 'write the file again with detect fit (or AnomalyDetector.toJSON)',
};

function bad(field: string, problem: string): never {
  return badField(KIND, field, problem);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a detector file (object or JSON text) field by field; a wrong field throws `DataError` naming it. */
export function parseDetectorFile(file: DetectorFile | string): DetectorFile {
  const f = readVersionedFile(file, KIND);
  if (!SCORES.includes(f.score as string))
    bad('score', `is ${JSON.stringify(f.score)}, not one of ${SCORES.join(', ')}`);
  const t = f.threshold as Record<string, unknown> | undefined;
  if (typeof t?.method !== 'string') bad('threshold.method', 'is missing');
  if (!isNumber(t?.value)) bad('threshold.value', 'is not a finite number');
  const shape = f.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((s) => Number.isInteger(s) && s > 0)) {
    bad('inputShape', 'is not a list of positive integers');
  }
  if (f.columns !== null && !(Array.isArray(f.columns) && f.columns.every((c) => typeof c === 'string'))) {
    bad('columns', 'is neither null nor a list of names');
  }
  if (!Number.isInteger((f.fittedOn as { count?: unknown } | undefined)?.count))
    bad('fittedOn.count', 'is missing');
  const c = f.calibration as Record<string, unknown> | undefined;
  for (const key of ['count', 'mean', 'std', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'p999']) {
    if (!isNumber(c?.[key])) bad(`calibration.${key}`, 'is not a finite number');
  }
  if (!Number.isInteger(f.k) || (f.k as number) < 1) bad('k', 'is not a positive integer');
  if (f.codes !== null && !(Array.isArray(f.codes) && f.codes.every(isNumber))) {
    bad('codes', 'is neither null nor a list of finite numbers');
  }
  const cs = f.codeScale as { mean?: unknown; std?: unknown } | null | undefined;
  if (cs !== undefined && cs !== null) {
    const ok = (v: unknown, positive: boolean) =>
      Array.isArray(v) && v.every((x) => isNumber(x) && (!positive || x > 0));
    if (
      !ok(cs.mean, false) ||
      !ok(cs.std, true) ||
      (cs.mean as unknown[]).length !== (cs.std as unknown[]).length
    ) {
      bad('codeScale', 'is not a mean and a positive std per code value');
    }
    const codes = f.codes as unknown[] | null;
    if (codes === null || codes.length % (cs.mean as unknown[]).length !== 0) {
      bad('codeScale', 'does not match the size of the codes');
    }
  }
  const score = f.score as string;
  if (score.endsWith('latent-knn') && f.codes === null) bad('codes', 'are missing');
  if (score.includes('+') && f.normalisation === null) bad('normalisation', 'is missing');
  if (score.startsWith('nmse')) {
    const scale = f.featureScale;
    if (!(Array.isArray(scale) && scale.every((v) => isNumber(v) && v > 0))) {
      bad('featureScale', 'is not a list of positive numbers');
    }
  }
  return f as unknown as DetectorFile;
}
