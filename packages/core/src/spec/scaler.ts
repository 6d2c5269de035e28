import { z } from 'zod';

const finiteList = z.array(z.number().finite()).min(1);

/**
 * A fitted scaler over the last axis of a sample (the features of a table or a series, the channels of an
 * image): the model takes `(x - offset) / scale` and its reconstruction is mapped back by `y * scale + offset`.
 * `minmax`: offset = the minimum, scale = max - min (values of the fitted data in [0, 1]); `zscore`: offset =
 * the mean, scale = the standard deviation. A constant feature gets scale 1. Plain data: it travels in the spec
 * (and so in checkpoints and ONNX metadata), and the ONNX export holds it in the graph.
 */
export const scalerSchema = z
  .object({
    type: z.enum(['minmax', 'zscore']),
    offset: finiteList,
    scale: z.array(z.number().finite().positive()).min(1),
  })
  .strict();
export type Scaler = z.output<typeof scalerSchema>;

/** The values a model with `scaler` takes: `(x - offset) / scale` along the last axis, in float32. */
export function scaleValues(scaler: Scaler, x: Float32Array): Float32Array {
  const { offset, scale } = scaler;
  const k = offset.length;
  const o = Float32Array.from(offset);
  const s = Float32Array.from(scale);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i]! - o[i % k]!) / s[i % k]!;
  return out;
}

/** Raw values of a model's output: `y * scale + offset` along the last axis, in float32 (the inverse). */
export function unscaleValues(scaler: Scaler, y: Float32Array): Float32Array {
  const { offset, scale } = scaler;
  const k = offset.length;
  const o = Float32Array.from(offset);
  const s = Float32Array.from(scale);
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = Math.fround(y[i]! * s[i % k]!) + o[i % k]!;
  return out;
}
