import {
  AekitError,
  batchCount,
  checkWeights,
  type EvaluateResult,
  type FitOptions,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  type TrainableModel,
  type TrainData,
  type TrainingState,
} from '@aekit/core';
import type { ConcreteTfjsDevice } from './device/devices.js';
import { forwardContext } from './engine/context.js';
import type { ForwardContext } from './engine/layers.js';
import { type DensePass, NativeDensePredict } from './engine/native-dense-predict.js';
import { Network } from './engine/network.js';
import { readInto } from './read-into.js';
import type { Tensor, Tf } from './tf.js';
import { averageSums, evaluateLossSums } from './training/evaluate-loss.js';
import { type TfjsFitResult, Trainer } from './training/trainer.js';

/** Samples per forward pass in encode/decode/reconstruct/evaluate when no batch size is given. */
export const INFERENCE_BATCH = 256;

/** Name under which the tfjs backend registers and which its models report as `backendName`. */
export const TFJS_BACKEND_NAME = 'tfjs';

/**
 * A spec compiled to TensorFlow.js (one tf.Variable per paramInfos entry): the `TrainableModel` surface.
 * Training is the Trainer's (training/trainer.ts); the network and its layers are the engine's (engine/).
 */
export class TfjsModel implements TrainableModel {
  readonly backendName = TFJS_BACKEND_NAME;
  /** @internal */
  readonly network: Network;
  private readonly trainer: Trainer;
  private disposed = false;
  /** encode/decode/reconstruct of a dense stack on wasm without tfjs ops (null: it does not apply here). */
  private nativePredict: NativeDensePredict | null | undefined;

  constructor(
    readonly tf: Tf,
    /** The tfjs backend this model computes on ('tensorflow', 'wasm', 'cpu'). */
    readonly tfBackend: string,
    readonly device: ConcreteTfjsDevice,
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.network = new Network(tf, spec, seed);
    this.trainer = new Trainer(tf, this.network, this);
  }

  get inputShape(): number[] {
    return this.network.shapes.input;
  }
  get latentShape(): number[] {
    return this.network.shapes.latent;
  }
  get outputShape(): number[] {
    return this.network.shapes.output;
  }
  /** Optimiser steps taken (across fit calls and checkpoints). */
  get step(): number {
    return this.trainer.step;
  }
  /** Completed epochs (across fit calls and checkpoints). */
  get epoch(): number {
    return this.trainer.epoch;
  }

  /** @internal Throws when disposed; makes this model's tfjs backend the active one. */
  async activate(): Promise<void> {
    if (this.disposed) {
      throw new AekitError('MODEL_INVALID', `model "${this.spec.name}" was disposed; create a new one`);
    }
    if (this.tf.getBackend() !== this.tfBackend) await this.tf.setBackend(this.tfBackend);
  }

  /** @internal An inference-mode forward context. */
  context(): ForwardContext {
    return forwardContext(this.tf, false);
  }

  private async mapBatches(
    x: Float32Array,
    sampleShape: readonly number[],
    what: string,
    fn: (batch: Tensor) => Tensor,
    batchSize = INFERENCE_BATCH,
  ): Promise<Float32Array> {
    await this.activate();
    const n = batchCount(x, sampleShape, what);
    const per = x.length / Math.max(n, 1);
    const run = (start: number, end: number) =>
      this.tf.tidy(() =>
        fn(this.tf.tensor(x.subarray(start * per, end * per), [end - start, ...sampleShape])),
      );
    if (n === 0) return new Float32Array(0);
    const first = run(0, Math.min(n, batchSize));
    if (n <= batchSize) {
      try {
        return (await first.data()) as Float32Array;
      } finally {
        first.dispose();
      }
    }
    // One result array, each batch copied into it from where the backend keeps it (read-into.ts).
    const perOut = first.size / batchSize;
    const total = new Float32Array(n * perOut);
    for (let start = 0; start < n; start += batchSize) {
      const out = start === 0 ? first : run(start, Math.min(n, start + batchSize));
      try {
        await readInto(this.tf, out, total, start * perOut);
      } finally {
        out.dispose();
      }
    }
    return total;
  }

  /**
   * `pass` through the native dense inference where it applies (a dense stack on wasm, engine/native-dense.ts),
   * INFERENCE_BATCH samples per call into one result array; undefined elsewhere.
   */
  private async mapNative(x: Float32Array, pass: DensePass, what: string): Promise<Float32Array | undefined> {
    await this.activate();
    if (this.nativePredict === undefined) {
      this.nativePredict = NativeDensePredict.create(this.tf, this.network, INFERENCE_BATCH) ?? null;
    }
    const native = this.nativePredict;
    if (native === null) return undefined;
    const shape = pass === 'decode' ? this.latentShape : this.inputShape;
    const n = batchCount(x, shape, what);
    const [inSize, outSize] = native.sizes(pass);
    const out = new Float32Array(n * outSize);
    for (let start = 0; start < n; start += native.rows) {
      const count = Math.min(native.rows, n - start);
      native.run(pass, x.subarray(start * inSize, (start + count) * inSize), count, out, start * outSize);
    }
    return out;
  }

  async encode(x: Float32Array): Promise<Float32Array> {
    const native = await this.mapNative(x, 'encode', 'encode input');
    if (native) return native;
    return this.mapBatches(
      x,
      this.inputShape,
      'encode input',
      (b) => this.network.encode(this.context(), b).code,
    );
  }

  async decode(z: Float32Array): Promise<Float32Array> {
    const native = await this.mapNative(z, 'decode', 'decode input');
    if (native) return native;
    return this.mapBatches(z, this.latentShape, 'decode input', (b) =>
      this.network.decode(this.context(), b),
    );
  }

  async reconstruct(x: Float32Array): Promise<Float32Array> {
    const native = await this.mapNative(x, 'reconstruct', 'reconstruct input');
    if (native) return native;
    return this.mapBatches(
      x,
      this.inputShape,
      'reconstruct input',
      (b) => this.network.forward(this.context(), b).output,
    );
  }

  /** VAE only: mean and log-variance of q(z|x). */
  async encodeDistribution(x: Float32Array): Promise<{ mean: Float32Array; logVar: Float32Array }> {
    if (this.spec.latent.type !== 'gaussian') {
      throw new OptionError(
        `encodeDistribution needs a Gaussian latent (a VAE); model "${this.spec.name}" has a ${this.spec.latent.type} one: use encode()`,
      );
    }
    const dim = this.spec.latent.dim;
    const both = await this.mapBatches(x, this.inputShape, 'encodeDistribution input', (b) => {
      const { mean, logVar } = this.network.encode(this.context(), b);
      return this.tf.concat([mean!, logVar!], 1);
    });
    const n = both.length / (2 * dim);
    const mean = new Float32Array(n * dim);
    const logVar = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      mean.set(both.subarray(2 * i * dim, (2 * i + 1) * dim), i * dim);
      logVar.set(both.subarray((2 * i + 1) * dim, (2 * i + 2) * dim), i * dim);
    }
    return { mean, logVar };
  }

  async evaluate(data: TrainData, options: { batchSize?: number } = {}): Promise<EvaluateResult> {
    await this.activate();
    const { n, sums } = await evaluateLossSums(
      this.tf,
      this.network,
      data,
      options.batchSize ?? INFERENCE_BATCH,
      'evaluate data',
    );
    const terms = averageSums(sums, n);
    const loss = Object.values(terms).reduce((s, v) => s + v, 0);
    return { loss, terms };
  }

  async fit(data: TrainData, options: FitOptions): Promise<TfjsFitResult> {
    await this.activate();
    const result = await this.trainer.fit(data, options);
    // getWeights and getTrainingState read synchronously: on webgpu, from host copies made now.
    await this.trainer.readToHost();
    return result;
  }

  getWeights(): NamedTensor[] {
    return this.network.infos.map((info) => ({
      name: info.name,
      shape: [...info.shape],
      data: this.network.paramValues(info.name).slice(),
    }));
  }

  setWeights(weights: readonly NamedTensor[]): void {
    const checked = checkWeights(this.spec, weights);
    this.tf.tidy(() => {
      for (const w of checked) {
        const data = Float32Array.from(w.data);
        this.network.param(w.name).assign(this.tf.tensor(data, [...w.shape]));
        this.network.assignedValues(w.name, data);
      }
    });
  }

  getTrainingState(): TrainingState {
    return this.trainer.getState();
  }

  setTrainingState(state: TrainingState): void {
    this.trainer.setState(state);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.nativePredict?.dispose();
    this.trainer.dispose();
    this.network.dispose();
  }
}
