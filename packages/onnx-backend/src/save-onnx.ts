import type { ModelSpec, NamedTensor } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { type ExportOptions, exportOnnx, type OnnxExport } from './export-onnx.js';

/** exportOnnx, then writes the `.onnx` file atomically. */
export async function saveOnnx(
  path: string,
  spec: ModelSpec,
  weights: readonly NamedTensor[],
  options: ExportOptions = {},
): Promise<OnnxExport> {
  const result = exportOnnx(spec, weights, options);
  await writeFileAtomic(path, result.bytes);
  return result;
}
