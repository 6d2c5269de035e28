import { AekitError, type Autoencoder, scaleValues } from '@aekit/core';
import type { ExportPart } from './metadata.js';
import type { OnnxSession } from './session.js';

export interface ModelParity {
  /** Which part of the model the ONNX graph holds (what was compared: encode, decode or reconstruct). */
  part: ExportPart;
  /** Largest |model - onnx| over every output value (NaN when either side produced a NaN). */
  maxAbsDiff: number;
  meanAbsDiff: number;
  /** Values compared. */
  values: number;
  /**
   * 'raw' without a scaler; 'scaled' when the spec has one: the differences are in the model's own units
   * (raw differences / the scaler's scale per feature), since raw values of large features (a table's
   * areas in the thousands) carry float32 steps far above any tolerance.
   */
  units: 'raw' | 'scaled';
}

/**
 * Runs the same inputs through a trained model (any backend's `Autoencoder`) and through the ONNX session of
 * one of its exports, and measures how far apart they are: `encode` for an encoder export, `decode` for a
 * decoder export (`x` then holds codes), `reconstruct` for the full model.
 *
 * When the spec has a scaler, `model` is the network as trained (on scaled values: a loaded checkpoint, not
 * its `withScaler` view) and `x` holds raw values: the session takes them as they are (its graph scales them),
 * the model takes them scaled, and the session's raw outputs are scaled before the comparison (codes are not).
 */
export async function modelParity(
  model: Autoencoder,
  session: OnnxSession,
  x: Float32Array,
): Promise<ModelParity> {
  const part = session.info?.part;
  if (part === undefined) {
    throw new AekitError('MODEL_INVALID', 'modelParity needs an aekit export (its metadata names the part)');
  }
  if (part === 'detector') {
    throw new AekitError(
      'MODEL_INVALID',
      "modelParity compares a model's parts; a detector graph's scores are compared with the detector's (detect score)",
    );
  }
  const scaler = model.spec.scaler;
  const scaled = (v: Float32Array) => (scaler ? scaleValues(scaler, v) : v);
  const [expected, actual] =
    part === 'encoder'
      ? [await model.encode(scaled(x)), await session.encode(x)]
      : part === 'decoder'
        ? [await model.decode(x), scaled(await session.decode(x))]
        : [await model.reconstruct(scaled(x)), scaled(await session.reconstruct(x))];
  let max = 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(expected[i]! - actual[i]!);
    sum += d;
    if (d > max || Number.isNaN(d)) max = d;
  }
  return {
    part,
    maxAbsDiff: max,
    meanAbsDiff: sum / Math.max(expected.length, 1),
    values: expected.length,
    units: scaler ? 'scaled' : 'raw',
  };
}
