import { rename, unlink, writeFile } from 'node:fs/promises';
import type { ModelSpec, NamedTensor } from '@aekit/core';
import { type ExportOptions, exportOnnx, type OnnxExport } from './export-onnx.js';

/** Writes bytes atomically: a temp file beside the target, then rename (never a half file). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

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
