// When the WebGPU tests may be skipped: only outside CI, and only when this machine has no adapter.
import { importWebGpuFlavour } from '../device/webgpu-device.js';

/**
 * Undefined when the WebGPU tests run: an adapter was found, or `CI` is set (there they must run, and fail
 * when the adapter is missing). Otherwise the reason they are skipped, for the skip message.
 */
export async function webgpuSkipReason(): Promise<string | undefined> {
  try {
    await importWebGpuFlavour();
    return undefined;
  } catch (error) {
    if (process.env.CI) return undefined;
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return `skipped: no WebGPU adapter here and CI is unset (${why})`;
  }
}
