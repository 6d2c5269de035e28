import type { Device } from '@aekit/core';

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
  /** `fetches`: output names, or preallocated output tensors that the run writes. */
  run(
    feeds: Record<string, OrtTensor>,
    fetches?: readonly string[] | Record<string, OrtTensor>,
  ): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  InferenceSession: {
    create(
      model: Uint8Array,
      options?: {
        executionProviders?: string[];
        logSeverityLevel?: number;
        /** onnxruntime-node only (onnxruntime-web's threads are `env.wasm.numThreads`). */
        intraOpNumThreads?: number;
        /** Session configuration entries, e.g. `{ session: { intra_op: { allow_spinning: '0' } } }`. */
        extra?: Record<string, unknown>;
      },
    ): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { wasm?: { numThreads?: number }; logLevel?: string };
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
}

/** Which ONNX Runtime package runs the model. */
export type Runtime = 'node' | 'web';

/** Loads a runtime package on demand; the browser entry only ever loads 'web'. */
export type RuntimeLoader = (runtime: Runtime, device: Device) => Promise<OrtModule>;
