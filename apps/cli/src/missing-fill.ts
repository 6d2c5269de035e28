import { DataError, OptionError } from '@aekit/core';
import { fillMissing, MISSING_POLICIES, type MissingPolicy } from '@aekit/datasets';
import { onnx } from '@aekit/onnx-backend';

/**
 * A run's missing-value policy as it was fitted at training: `--missing mean` keeps the training part's
 * column means (per channel for a series) in `fill`, so `aekit run`, `compare` and `eval` fill a new file's
 * gaps with them, never with the means of the new file.
 */
export interface MissingFill {
  policy: MissingPolicy;
  /** `mean`: one value per feature column (or series channel). */
  fill?: number[];
  /** The columns `fill` belongs to, in order (a table's features or a series' channels). */
  columns?: string[];
}

/** Key of a run's `MissingFill` in its checkpoint meta. */
export const MISSING_FILL_META = 'missingFill';
/** Key of the ONNX metadata entry (JSON of the `MissingFill`) that `aekit export` adds for such a run. */
export const MISSING_FILL_KEY = 'aekit.missing';

const isPolicy = (v: unknown): v is MissingPolicy => MISSING_POLICIES.includes(v as MissingPolicy);

function parseFill(value: unknown): MissingFill | undefined {
  if (typeof value !== 'object' || value === null || !isPolicy((value as MissingFill).policy))
    return undefined;
  const { policy, fill, columns } = value as MissingFill;
  return {
    policy,
    ...(Array.isArray(fill) && fill.every(Number.isFinite) && { fill }),
    ...(Array.isArray(columns) && { columns }),
  };
}

/**
 * The `MissingFill` a checkpoint of `aekit train --data` stored (a run from before it stored one: its
 * `--missing` policy without values; undefined: the default policy, `error`).
 */
export function checkpointMissingFill(meta: Record<string, unknown>): MissingFill | undefined {
  const policy = ((meta.options ?? {}) as Record<string, unknown>).missing;
  return (
    parseFill(meta[MISSING_FILL_META]) ?? (isPolicy(policy) && policy !== 'error' ? { policy } : undefined)
  );
}

/** The serialised `model` with `fill` as its `aekit.missing` metadata entry (the graph holds no fill). */
export function withMissingMetadata(model: onnx.ModelProto, fill: MissingFill): Uint8Array {
  const props = (model.metadataProps ?? []).filter((p) => p.key !== MISSING_FILL_KEY);
  const copy = onnx.ModelProto.create({
    ...model,
    metadataProps: [...props, { key: MISSING_FILL_KEY, value: JSON.stringify(fill) }],
  });
  return onnx.ModelProto.encode(copy).finish();
}

/** The `MissingFill` an export of `aekit export` declares in its metadata, if any. */
export function onnxMissingFill(bytes: Uint8Array): MissingFill | undefined {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return undefined; // Not an ONNX file: the session reports that.
  }
  const value = model.metadataProps?.find((p) => p.key === MISSING_FILL_KEY)?.value;
  if (value === undefined || value === null) return undefined;
  try {
    return parseFill(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/**
 * The policy a command applies to a table's gaps: the one given (`--missing`), else the model's own (what it
 * was trained with), else `error`. `mean` needs the model's training means (`fill`): without them, the fix.
 */
export function chooseMissing(
  given: MissingPolicy | undefined,
  model: MissingFill | undefined,
  what: string,
): MissingFill {
  const policy = given ?? model?.policy ?? 'error';
  if (policy !== 'mean') return { policy };
  if (!model?.fill) {
    throw new OptionError(
      `--missing mean: ${what} holds no training means (${model?.policy === 'mean' ? 'it was trained before aekit kept them' : `it was trained with --missing ${model?.policy ?? 'error'}`}); retrain it with --missing mean, or pass --missing zero or drop-rows`,
      { details: { option: '--missing', actual: 'mean' } },
    );
  }
  return { policy, fill: model.fill, ...(model.columns && { columns: model.columns }) };
}

/**
 * `x` (samples whose last axis has `width` values) with its NaN cells filled from `missing.fill` (the training
 * means); unchanged for other policies. `source` names the file when the widths disagree.
 */
export function applyMissingFill(
  x: Float32Array,
  width: number,
  missing: MissingFill,
  source: string,
): Float32Array {
  if (missing.policy !== 'mean' || !x.some(Number.isNaN)) return x;
  const fill = missing.fill ?? [];
  if (fill.length !== width) {
    throw new DataError(
      'DATA_INVALID',
      `${source}: samples of ${width} columns, but the model's training means are for ${fill.length}${missing.columns ? ` (${missing.columns.join(', ')})` : ''}; pass the columns it was trained on (--columns)`,
      { details: { file: source, expected: fill.length, actual: width } },
    );
  }
  return fillMissing(x, width, fill);
}
