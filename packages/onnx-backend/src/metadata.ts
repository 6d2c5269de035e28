import type { ModelSpec, Scaler } from '@aekit/core';

/** Which part of an autoencoder an ONNX file holds. */
export type ExportPart = 'full' | 'encoder' | 'decoder';
export const EXPORT_PARTS: readonly ExportPart[] = ['full', 'encoder', 'decoder'];
/** What an aekit ONNX file holds: a part, or an anomaly detector graph (`exportDetectorOnnx`). */
export type ModelPart = ExportPart | 'detector';

/** Graph input and output names of aekit exports. */
export const IO_NAMES = {
  input: 'input',
  latent: 'latent',
  mean: 'mean',
  logVar: 'logVar',
  reconstruction: 'reconstruction',
  /** Detector graphs: per-feature error, per-sample score, score > threshold (bool). */
  featureErrors: 'feature_errors',
  score: 'score',
  isAnomaly: 'is_anomaly',
} as const;

/** Keys of the `metadata_props` every aekit export carries. */
export const METADATA_KEYS = {
  aekitVersion: 'aekit.version',
  name: 'aekit.model.name',
  kind: 'aekit.model.kind',
  part: 'aekit.part',
  layout: 'aekit.layout',
  inputShape: 'aekit.input.shape',
  latentShape: 'aekit.latent.shape',
  outputShape: 'aekit.output.shape',
  preprocessing: 'aekit.preprocessing',
  /** JSON of the fitted scaler the graph applies (`{type, offset, scale}`); `null` when there is none. */
  scaler: 'aekit.scaler',
  inputs: 'aekit.inputs',
  outputs: 'aekit.outputs',
  spec: 'aekit.spec',
} as const;

/** Detector graphs also carry this key: JSON of `{score, threshold, method, expectedFalseAlarmRate, calibration}`. */
export const DETECTOR_METADATA_KEY = 'aekit.detector';

/** What aekit reads back from an export's metadata. Shapes are per sample (no batch axis), channels last. */
export interface OnnxModelInfo {
  aekitVersion: string;
  name: string;
  kind: 'autoencoder' | 'vae';
  part: ModelPart;
  layout: string;
  inputShape: number[];
  latentShape: number[];
  outputShape: number[];
  preprocessing: string;
  /** The scaler inside the graph (inputs and outputs are raw values), when the spec has one. */
  scaler?: Scaler;
  /** Graph input names in order. */
  inputs: string[];
  /** Graph output names in order. */
  outputs: string[];
  spec: ModelSpec;
}

/** Layout statement written to metadata: graph I/O follows the spec (channels last) with a leading batch axis. */
export const IO_LAYOUT =
  'NHWC (channels last, as TensorFlow.js) with a leading batch axis; rank-1/2 samples row-major';
