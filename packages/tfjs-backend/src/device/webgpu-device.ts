import { BackendUnavailableError } from '@aekit/core';
import type { Tf } from '../tf.js';
import { loadTfjsCore } from './load-tfjs.js';
import { type ProbedAdapter, probeWebGpuAdapter, type WebGpuAdapter } from './webgpu-adapter.js';

const PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** The adapter the registered 'webgpu' tfjs backend is built on (one per process). */
let registeredFor: ProbedAdapter | undefined;

/**
 * tfjs-backend-webgpu only registers its backend where it sees a browser (a `window` with `navigator.gpu`);
 * in Node it would not, and it would request an adapter of its own. Register the backend on the adapter
 * aekit probed (the one its device line reports), with the device features and limits tfjs asks for.
 */
function registerOn(tf: Tf, probed: ProbedAdapter, WebGPUBackend: new (...args: never[]) => unknown): void {
  if (registeredFor === probed && tf.findBackendFactory('webgpu') !== null) return;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const { adapter, rawInfo } = probed;
      const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) =>
        adapter.features.has(f),
      );
      const limits = adapter.limits;
      const requiredLimits = Object.fromEntries(
        [
          'maxComputeWorkgroupStorageSize',
          'maxComputeWorkgroupsPerDimension',
          'maxStorageBufferBindingSize',
          'maxBufferSize',
          'maxComputeWorkgroupSizeX',
          'maxComputeInvocationsPerWorkgroup',
        ].map((name) => [name, limits[name]]),
      );
      const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
      return new WebGPUBackend(device as never, rawInfo as never) as never;
    },
    3,
  );
  registeredFor = probed;
}

/**
 * The webgpu device's tfjs: tfjs-core with its gradients (as the wasm and js devices), tfjs-backend-webgpu's
 * kernels, and its backend registered on the probed adapter. Fails with BackendUnavailableError naming what
 * is missing: the `webgpu` package (Node), an adapter (a driver), or tfjs-backend-webgpu.
 */
export async function importWebGpuFlavour(): Promise<{ tf: Tf; adapter: WebGpuAdapter }> {
  const probed = await probeWebGpuAdapter();
  const tf = await loadTfjsCore();
  let mod: { WebGPUBackend: new (...args: never[]) => unknown };
  try {
    mod = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as typeof mod;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(`${PACKAGE} failed to load: ${message.split('\n')[0]}`, {
      cause: error,
    });
  }
  registerOn(tf, probed, mod.WebGPUBackend);
  return { tf, adapter: probed.info };
}
