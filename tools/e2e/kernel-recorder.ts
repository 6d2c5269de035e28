// Records the kernels a computation runs on one tfjs backend, to replay each call on another (the CPU reference).
import type { Tf } from '@aekit/tfjs-backend';

type Backend = ReturnType<Tf['backend']> & {
  readToGPU(dataId: object): { tensorRef: ReturnType<Tf['tensor']> };
  tensorMap: { get(dataId: object): { values: unknown } };
};
type Info = { dataId: object; shape: number[]; dtype: string };

export interface RecordedTensor {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface KernelCall {
  kernelName: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, RecordedTensor>;
  /** The kernel took its inputs as an array (Concat, AddN, Pack): `inputs` keys are its indices. */
  arrayInputs: boolean;
  outputs: RecordedTensor[];
}

/**
 * Wraps every kernel of `backendName` so that each call copies its inputs and outputs on the GPU (tfjs-backend-
 * webgpu's `readToGPU`: kept tensors of their own, so the step may dispose the originals); `finish()` puts the
 * original kernels back, reads the copies (asynchronously: WebGPU in Node cannot read synchronously) and
 * disposes them.
 */
export function recordKernels(tf: Tf, backendName: string): { finish(): Promise<KernelCall[]> } {
  const configs = tf.getKernelsForBackend(backendName);
  // A GPU copy, or the values themselves for data tfjs keeps on the CPU (small tensors it computes there).
  type Copy = {
    shape: number[];
    dtype: string;
    tensor?: ReturnType<Tf['tensor']>;
    values?: ArrayLike<number>;
  };
  const pending: Array<{
    kernelName: string;
    attrs: Record<string, unknown>;
    inputs: [string, Copy][];
    arrayInputs: boolean;
    outputs: Copy[];
  }> = [];
  let recording = true;
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const out = config.kernelFunc(args) as Info | Info[];
        if (!recording) return out as never;
        const backend = args.backend as Backend;
        const copy = (t: Info): Copy => {
          recording = false; // readToGPU may run kernels of its own
          const base = { shape: [...t.shape], dtype: t.dtype };
          try {
            if (backend.tensorMap.get(t.dataId).values != null) {
              return { ...base, values: Array.from(backend.readSync(t.dataId) as ArrayLike<number>) };
            }
            return { ...base, tensor: tf.keep(backend.readToGPU(t.dataId).tensorRef) };
          } finally {
            recording = true;
          }
        };
        const inputs = Object.entries(args.inputs as Record<string, Info | undefined>).filter(
          (e): e is [string, Info] => e[1] !== undefined && e[1] !== null,
        );
        pending.push({
          kernelName: config.kernelName,
          attrs: { ...(args.attrs ?? {}) },
          inputs: inputs.map(([name, t]) => [name, copy(t)]),
          arrayInputs: Array.isArray(args.inputs),
          outputs: (Array.isArray(out) ? out : [out]).map(copy),
        });
        return out as never;
      },
    });
  }
  return {
    async finish() {
      recording = false;
      for (const config of configs) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
      const read = async (c: Copy): Promise<RecordedTensor> => {
        const raw = c.values ?? ((await c.tensor!.data()) as ArrayLike<number>);
        c.tensor?.dispose();
        const values =
          c.dtype === 'float32'
            ? Float32Array.from(raw)
            : c.dtype === 'bool'
              ? Uint8Array.from(raw)
              : Int32Array.from(raw);
        return { shape: c.shape, dtype: c.dtype, values };
      };
      const calls: KernelCall[] = [];
      for (const p of pending) {
        const inputs: Record<string, RecordedTensor> = {};
        for (const [name, c] of p.inputs) inputs[name] = await read(c);
        const outputs: RecordedTensor[] = [];
        for (const c of p.outputs) outputs.push(await read(c));
        calls.push({ kernelName: p.kernelName, attrs: p.attrs, inputs, arrayInputs: p.arrayInputs, outputs });
      }
      return calls;
    },
  };
}

/** Runs a recorded call on the active backend; returns its outputs' values. */
export async function replay(tf: Tf, call: KernelCall): Promise<Array<ArrayLike<number>>> {
  const inputs: Record<string, ReturnType<Tf['tensor']>> = {};
  for (const [name, t] of Object.entries(call.inputs))
    inputs[name] = tf.tensor(t.values, t.shape, t.dtype as never);
  const given = call.arrayInputs ? Object.values(inputs) : inputs;
  const out = tf.engine().runKernel(call.kernelName, given as never, call.attrs as never) as
    | ReturnType<Tf['tensor']>
    | ReturnType<Tf['tensor']>[];
  const outs = Array.isArray(out) ? out : [out];
  const values = await Promise.all(outs.map((t) => t.data()));
  tf.dispose([...outs, ...Object.values(inputs)]);
  return values as Array<ArrayLike<number>>;
}

/** max |a - b| / max(1, max |b|); NaN where only one side is NaN counts as infinite. */
export function relativeDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i] as number, expected[i] as number];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const d = Math.abs(a - b);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : a === b ? diff : Math.max(diff, d);
    if (Number.isFinite(b)) scale = Math.max(scale, Math.abs(b));
  }
  return diff / scale;
}
