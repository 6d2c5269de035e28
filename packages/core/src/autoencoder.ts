import type { ModelSpec } from './spec/model-spec.js';

/**
 * What every trained autoencoder offers, whatever runs it (a tfjs model, an ONNX session): batched
 * encode/decode/reconstruct on plain Float32Arrays of stacked samples. `eval` works on this only.
 */
export interface Autoencoder {
  readonly spec: ModelSpec;
  /** [n, ...inputShape] -> [n, ...latentShape]. For a VAE, the mean of q(z|x). */
  encode(x: Float32Array): Promise<Float32Array>;
  /** [n, ...latentShape] -> [n, ...outputShape]. */
  decode(z: Float32Array): Promise<Float32Array>;
  /** [n, ...inputShape] -> [n, ...outputShape] (through the mean code for a VAE). */
  reconstruct(x: Float32Array): Promise<Float32Array>;
  /** VAE only: mean and log-variance of q(z|x). */
  encodeDistribution?(x: Float32Array): Promise<{ mean: Float32Array; logVar: Float32Array }>;
  /**
   * True when the methods take and return raw values and apply `spec.scaler` themselves (`withScaler`'s view;
   * an ONNX session whose graph holds the scaler). Absent or false: scaled values, as a training backend's
   * model takes them. `inScaledUnits` gives the scaled view of either.
   */
  readonly rawValues?: boolean;
}
