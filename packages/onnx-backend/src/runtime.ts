import { OptionError } from '@aekit/core';

/**
 * The part of the ONNX Runtime JS API (shared by onnxruntime-node and onnxruntime-web) that aekit uses,
 * typed structurally so that neither optional peer is needed to compile against this package.
 */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  readonly type: string;
  dispose?(): void;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  InferenceSession: {
    create(
      model: Uint8Array,
      options?: { executionProviders?: string[]; logSeverityLevel?: number },
    ): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { wasm?: { numThreads?: number }; logLevel?: string };
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
}

/** Which ONNX Runtime package runs the model. */
export type Runtime = 'node' | 'web';

/** Devices a session can ask for (`auto` picks the best available one). */
export const DEVICES = Object.freeze({
  /** node: CUDA when its binaries are installed, else CPU; web: WebGPU when the browser has it, else WASM. */
  auto: 'auto',
  /** node: CPU execution provider; web: WASM. */
  cpu: 'cpu',
  /** node only: CUDA execution provider (install: ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install). */
  cuda: 'cuda',
  /** onnxruntime-web's WebAssembly backend (browsers and Node). */
  wasm: 'wasm',
  /** onnxruntime-web's WebGPU backend (browsers with WebGPU). */
  webgpu: 'webgpu',
} as const);
export type Device = keyof typeof DEVICES;

export function checkDevice(device: unknown): Device {
  if (typeof device === 'string' && Object.hasOwn(DEVICES, device)) return device as Device;
  throw new OptionError(
    `unknown device "${String(device)}". Should be one of: ${Object.keys(DEVICES).join(', ')}`,
    {
      details: { expected: Object.keys(DEVICES), actual: device },
    },
  );
}

/** Loads a runtime package on demand; the browser entry only ever loads 'web'. */
export type RuntimeLoader = (runtime: Runtime, device: Device) => Promise<OrtModule>;
