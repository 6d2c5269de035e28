import type { Device } from '@aekit/core';
import { MissingDependencyError } from '@aekit/core';
import type { OrtModule } from './runtime.js';

/** Loads onnxruntime-web (its WebGPU build for devices 'webgpu' and 'gpu'); never touches onnxruntime-node. */
export async function loadWebRuntime(device: Device): Promise<OrtModule> {
  try {
    const mod = (
      device === 'webgpu' || device === 'gpu'
        ? await import('onnxruntime-web/webgpu')
        : await import('onnxruntime-web')
    ) as unknown;
    return ((mod as { default?: OrtModule }).default ?? mod) as OrtModule;
  } catch (error) {
    throw new MissingDependencyError('onnxruntime-web', 'Running ONNX models with WASM or WebGPU', error);
  }
}
