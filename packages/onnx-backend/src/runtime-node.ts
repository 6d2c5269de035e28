import { type Device, MissingDependencyError } from '@aekit/core';
import type { OrtModule, Runtime } from './runtime.js';
import { loadWebRuntime } from './runtime-web.js';

/** Loads onnxruntime-node (or onnxruntime-web for runtime 'web') on demand. */
export async function loadNodeRuntime(runtime: Runtime, device: Device): Promise<OrtModule> {
  if (runtime === 'web') return loadWebRuntime(device);
  try {
    const mod = (await import('onnxruntime-node')) as unknown;
    const ort = mod as OrtModule & { default?: OrtModule };
    return ort.InferenceSession ? ort : (ort.default as OrtModule);
  } catch (error) {
    throw new MissingDependencyError(
      'onnxruntime-node',
      'Running ONNX models in Node',
      error,
      ortNodeInstall(),
    );
  }
}

/**
 * What installing onnxruntime-node needs here: on Linux x64 its install script downloads CUDA libraries from
 * NuGet by default (and fails without access to it); `ONNXRUNTIME_NODE_INSTALL=skip` installs the CPU build.
 */
export function ortNodeInstall(platform = process.platform, arch = process.arch): { env?: string } {
  return platform === 'linux' && arch === 'x64' ? { env: 'ONNXRUNTIME_NODE_INSTALL=skip' } : {};
}
