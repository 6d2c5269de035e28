import { type Layer, type ModelSpec, shapeSize } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ACTIVATIONS, nativeProduct } from '../kernels/wasm/BatchMatMul.js';
import { addressOf, type NativeKernels, nativeKernels, type ProductArgs } from '../kernels/wasm/native.js';
import { kernelThreads, kernelThreadsFor } from '../kernels/wasm/native-threads.js';
import type { Tf, Variable } from '../tf.js';
import type { Network } from './network.js';

/** One dense layer of a stack: its parameters, sizes and activation. */
export interface DenseStage {
  kernel: Variable;
  bias: Variable | undefined;
  inputs: number;
  units: number;
  activation: 'relu' | 'linear' | 'sigmoid';
}

/** A VAE's heads: linear dense layers from the encoder's output to the code's mean and log-variance. */
export interface GaussianHeads {
  mean: DenseStage;
  logVar: DenseStage;
  beta: number;
}

/** A network's dense layers as stages: the encoder's, a VAE's heads, the decoder's. */
export interface DenseStages {
  encoder: DenseStage[];
  heads: GaussianHeads | undefined;
  decoder: DenseStage[];
}

type DenseLayer = Layer & { type: 'dense' };

/** Every stage, in order: the encoder's, a VAE's heads, the decoder's. */
export function allStages({ encoder, heads, decoder }: DenseStages): DenseStage[] {
  return [...encoder, ...(heads ? [heads.mean, heads.logVar] : []), ...decoder];
}

/** What a runner computes with: the wasm backend, aekit's kernels on it, and the network's dense stages. */
export interface RunnerParts {
  backend: BackendWasm;
  native: NativeKernels;
  stages: DenseStages;
}

/**
 * The dense layers of a spec's encoder and decoder, or why its forward pass is not a dense stack: only
 * flatten, reshape and dense layers, ReLU or linear hidden activations and a ReLU, linear or sigmoid output
 * layer (the activations aekit's product kernel applies itself), a deterministic code or a VAE's Gaussian one.
 */
export function denseLayers(
  spec: ModelSpec,
):
  | { encoder: { name: string; layer: DenseLayer }[]; decoder: { name: string; layer: DenseLayer }[] }
  | string {
  const parts = {
    encoder: [] as { name: string; layer: DenseLayer }[],
    decoder: [] as { name: string; layer: DenseLayer }[],
  };
  for (const part of ['encoder', 'decoder'] as const) {
    for (const [i, layer] of spec[part].entries()) {
      if (layer.type === 'flatten' || layer.type === 'reshape') continue;
      if (layer.type !== 'dense') return `a ${layer.type} layer`;
      parts[part].push({ name: `${part}.${i}`, layer });
    }
  }
  const last = parts.decoder.at(-1);
  if (last === undefined) return 'no dense decoder layer';
  const kernelActivation = (a: string) => a === 'relu' || a === 'linear';
  if (!kernelActivation(last.layer.activation) && last.layer.activation !== 'sigmoid') {
    return `a ${last.layer.activation} output layer`;
  }
  const hidden = [...parts.encoder, ...parts.decoder.slice(0, -1)].find(
    ({ layer }) => !kernelActivation(layer.activation),
  );
  if (hidden) return `a ${hidden.layer.activation} hidden layer`;
  return parts;
}

/** The network's dense layers as stages on its variables, or undefined when its forward pass is not one. */
export function denseStages(network: Network): DenseStages | undefined {
  const layers = denseLayers(network.spec);
  if (typeof layers === 'string') return undefined;
  let inputs = shapeSize(network.shapes.input);
  let ok = true;
  const stage = (name: string, units: number, useBias: boolean, activation: DenseStage['activation']) => {
    const kernel = network.param(`${name}.kernel`);
    if (kernel.shape[0] !== inputs || kernel.shape[1] !== units) ok = false;
    return { kernel, bias: useBias ? network.param(`${name}.bias`) : undefined, inputs, units, activation };
  };
  const stagesOf = (list: { name: string; layer: DenseLayer }[]) =>
    list.map(({ name, layer }) => {
      const s = stage(name, layer.units, layer.useBias, layer.activation as DenseStage['activation']);
      inputs = s.units;
      return s;
    });
  const encoder = stagesOf(layers.encoder);
  let heads: GaussianHeads | undefined;
  const latent = network.spec.latent;
  if (latent.type === 'gaussian') {
    const mean = stage('latent.mean', latent.dim, true, 'linear');
    const logVar = stage('latent.logVar', latent.dim, true, 'linear');
    heads = { mean, logVar, beta: latent.beta };
    inputs = latent.dim;
  } else if (latent.type !== 'deterministic') {
    return undefined;
  }
  const decoder = stagesOf(layers.decoder);
  if (!ok || inputs !== shapeSize(network.shapes.output)) return undefined;
  return { encoder, heads, decoder };
}

/**
 * What runs a dense stack as direct calls into aekit's wasm SIMD kernels, without tfjs's per-op machinery:
 * buffers in the backend's memory (freed by dispose) and the products, each on the kernel threads when it is
 * large enough, with scratch for any of them. The trainer's native step and the models' native inference
 * extend it. Off with AEKIT_NATIVE_DENSE=0.
 */
export class NativeDenseRunner {
  private readonly buffers: TensorInfo[] = [];
  private scratch: TensorInfo | undefined;
  private scratchFloats = 0;
  private scratchK = 0;

  protected readonly backend: BackendWasm;
  protected readonly native: NativeKernels;
  protected readonly stages: DenseStages;

  protected constructor(
    protected readonly tf: Tf,
    parts: RunnerParts,
  ) {
    ({ backend: this.backend, native: this.native, stages: this.stages } = parts);
  }

  /** The backend and kernels a runner needs for this network, where they and its dense stages apply. */
  protected static parts(tf: Tf, network: Network): RunnerParts | undefined {
    // In browsers too (the web demo trains on wasm in a worker): no `process` there.
    const off = typeof process !== 'undefined' && process.env?.AEKIT_NATIVE_DENSE === '0';
    if (off || tf.getBackend() !== 'wasm') return undefined;
    const backend = tf.backend() as unknown as BackendWasm;
    const native = nativeKernels(backend);
    const stages = native === null ? undefined : denseStages(network);
    return native === null || stages === undefined ? undefined : { backend, native, stages };
  }

  /** Every stage, in order. */
  protected get all(): DenseStage[] {
    return allStages(this.stages);
  }

  /** Values per sample: the network's input, its code (the decoder's input), its output. */
  protected get inputSize(): number {
    return this.all[0]!.inputs;
  }
  protected get codeSize(): number {
    return this.stages.decoder[0]!.inputs;
  }
  protected get outputSize(): number {
    return this.stages.decoder.at(-1)!.units;
  }

  /** A buffer of `size` floats in the backend's memory, freed by dispose. */
  protected make(size: number): TensorInfo {
    const t = this.backend.makeOutput([Math.max(1, size)], 'float32');
    this.buffers.push(t);
    return t;
  }

  protected at(t: TensorInfo): number {
    return addressOf(this.backend, t);
  }

  /** A view of a buffer's first n values (taken anew each time: growing the heap detaches older views). */
  protected view(t: TensorInfo, n: number): Float32Array {
    return (this.backend.typedArrayFromHeap(t) as Float32Array).subarray(0, n);
  }

  /** Makes room in the scratch for products of inner dimension up to `k` (it is not monotonic in k). */
  protected reserveScratch(k: number): void {
    if (k <= this.scratchK) return;
    let floats = this.scratchFloats;
    for (let i = this.scratchK + 1; i <= k; i++)
      floats = Math.max(floats, this.native.matmulScratchFloats(i));
    if (this.scratch) this.backend.disposeData(this.scratch.dataId);
    this.scratch = this.backend.makeOutput([floats * (kernelThreads(this.backend)?.count ?? 1)], 'float32');
    this.scratchFloats = floats;
    this.scratchK = k;
  }

  protected product(args: ProductArgs): void {
    this.reserveScratch(args[6]);
    const threads = kernelThreadsFor(this.backend, args[4] * args[5] * args[6]);
    nativeProduct(this.native, threads, this.at(this.scratch!), this.scratchFloats, args);
  }

  /**
   * Each stage's output from `input` into `outputs`: activation(input . kernel + bias), the activations
   * inside the product; with `logits`, the last stage linear.
   */
  protected forward(
    stages: DenseStage[],
    input: number,
    outputs: TensorInfo[],
    count: number,
    logits = false,
  ) {
    stages.forEach((s, l) => {
      const activation = logits && l === stages.length - 1 ? 'linear' : s.activation;
      const [lo, hi, sigmoid] = ACTIVATIONS[activation]!;
      const out = this.at(outputs[l]!);
      const bias = s.bias ? this.at(s.bias) : 0;
      this.product([input, this.at(s.kernel), bias, out, count, s.units, s.inputs, 0, 0, lo, hi, sigmoid]);
      input = out;
    });
  }

  dispose(): void {
    for (const t of this.buffers.splice(0)) this.backend.disposeData(t.dataId);
    if (this.scratch) this.backend.disposeData(this.scratch.dataId);
    this.scratch = undefined;
    this.scratchK = 0;
    this.scratchFloats = 0;
  }
}
