import type { ModelEntry } from './manifest.js';
import { maxAbsDiff } from './metrics.js';
import { loadModel, webgpuUnavailableReason } from './runtime.js';

export interface ParityResult {
  /** Max |WebGPU - WASM| over the reconstructions (and latent codes), or undefined when WebGPU is absent. */
  maxDiff?: number;
  latentMaxDiff?: number;
  note: string;
}

/**
 * Runs the same batch through WebGPU and WASM sessions of a model and compares: ORT's WebGPU backend has
 * had wrong-output bugs for some Conv/ConvTranspose configurations, so a visitor can check their browser.
 */
export async function checkParity(
  entry: ModelEntry,
  baseUrl: string,
  batch: Float32Array,
  n: number,
): Promise<ParityResult> {
  const reason = await webgpuUnavailableReason();
  if (reason) return { note: `WebGPU unavailable (${reason}): only WASM runs here, nothing to compare` };
  const [gpu, cpu] = await Promise.all([
    loadModel(entry, baseUrl, 'webgpu'),
    loadModel(entry, baseUrl, 'wasm'),
  ]);
  try {
    const zGpu = await gpu.encode(batch);
    const zCpu = await cpu.encode(batch);
    const xGpu = await gpu.decode(zCpu);
    const xCpu = await cpu.decode(zCpu);
    const maxDiff = maxAbsDiff(xGpu, xCpu);
    const latentMaxDiff = maxAbsDiff(zGpu, zCpu);
    const verdict = Math.max(maxDiff, latentMaxDiff) < 1e-3 ? 'OK' : 'MISMATCH';
    return {
      maxDiff,
      latentMaxDiff,
      note: `${verdict}: max |WebGPU − WASM| = ${maxDiff.toExponential(2)} (output), ${latentMaxDiff.toExponential(2)} (code) over ${n} images`,
    };
  } finally {
    await Promise.all([gpu.release(), cpu.release()]);
  }
}
