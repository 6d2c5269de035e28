import { AekitError } from './errors.js';
import type { ModelSpec } from './spec/model-spec.js';
import { paramInfos } from './spec/params.js';
import { formatShape, type NamedTensor, shapeSize, shapesEqual } from './tensor.js';

/** One tensor's entry in a weights manifest: where its float32 values sit in the binary blob. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Offset in float32 elements. */
  offset: number;
}

/** Packs named tensors into one little-endian float32 blob and a manifest (tfjs-style). */
export function packWeights(tensors: readonly NamedTensor[]): {
  manifest: WeightEntry[];
  data: Float32Array;
} {
  const total = tensors.reduce((n, t) => n + t.data.length, 0);
  const data = new Float32Array(total);
  const manifest: WeightEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    data.set(t.data, offset);
    manifest.push({ name: t.name, shape: [...t.shape], dtype: 'float32', offset });
    offset += t.data.length;
  }
  return { manifest, data };
}

/** Inverse of packWeights; throws WEIGHTS_INVALID when the blob is shorter than the manifest says. */
export function unpackWeights(manifest: readonly WeightEntry[], data: Float32Array): NamedTensor[] {
  return manifest.map((e) => {
    const n = shapeSize(e.shape);
    if (e.offset + n > data.length) {
      throw new AekitError(
        'WEIGHTS_INVALID',
        `weights blob is truncated: "${e.name}" needs values ${e.offset}..${e.offset + n} but the blob holds ${data.length}`,
        { details: { name: e.name, expected: e.offset + n, actual: data.length } },
      );
    }
    return { name: e.name, shape: [...e.shape], data: data.slice(e.offset, e.offset + n) };
  });
}

/**
 * Checks that `weights` hold exactly the parameters of `spec` (names and shapes) and returns them in the
 * spec's order. Errors name the missing, unexpected or mis-shaped tensor.
 */
export function checkWeights(spec: ModelSpec, weights: readonly NamedTensor[]): NamedTensor[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const infos = paramInfos(spec);
  const expected = new Set(infos.map((i) => i.name));
  const extra = weights.filter((w) => !expected.has(w.name)).map((w) => w.name);
  if (extra.length) {
    throw new AekitError(
      'WEIGHTS_INVALID',
      `unexpected weights for spec "${spec.name}": ${extra.join(', ')}`,
      {
        details: { extra },
      },
    );
  }
  return infos.map((info) => {
    const w = byName.get(info.name);
    if (!w)
      throw new AekitError(
        'WEIGHTS_INVALID',
        `missing weight "${info.name}" ${formatShape(info.shape)} for spec "${spec.name}"`,
      );
    if (!shapesEqual(w.shape, info.shape) || w.data.length !== shapeSize(info.shape)) {
      throw new AekitError(
        'WEIGHTS_INVALID',
        `weight "${info.name}" has shape ${formatShape(w.shape)} (${w.data.length} values), expected ${formatShape(info.shape)}`,
        { details: { name: info.name, expected: info.shape, actual: w.shape } },
      );
    }
    return w;
  });
}
