import {
  AekitError,
  batchCount,
  checkWeights,
  createRng,
  type EvaluateResult,
  type FitOptions,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  type TrainableModel,
  type TrainData,
  type TrainingState,
} from '@aekit/core';
import { checkPairs } from './batches.js';
import type { ConcreteDevice } from './devices.js';
import { runFit, type TfjsFitResult } from './fit.js';
import type { ForwardContext } from './layers.js';
import { Network } from './network.js';
import {
  type Adam,
  adamConfig,
  createAdam,
  readAdamSlots,
  setLearningRate,
  writeAdamSlots,
} from './optimizer-state.js';
import type { Tensor, Tf } from './tf.js';

/** Samples per forward pass in encode/decode/reconstruct/evaluate when no batch size is given. */
export const INFERENCE_BATCH = 256;

/** Name under which the tfjs backend registers and which its models report as `backendName`. */
export const TFJS_BACKEND_NAME = 'tfjs';

/** A spec compiled to TensorFlow.js: one tf.Variable per paramInfos entry, a custom training loop. */
export class TfjsModel implements TrainableModel {
  readonly backendName = TFJS_BACKEND_NAME;
  /** @internal */
  readonly network: Network;
  /** @internal */
  optimizer: Adam | undefined;
  /** Optimiser steps taken (across fit calls and checkpoints). */
  step = 0;
  /** Completed epochs (across fit calls and checkpoints). */
  epoch = 0;
  private disposed = false;

  constructor(
    readonly tf: Tf,
    /** The tfjs backend this model computes on ('tensorflow', 'wasm', 'cpu'). */
    readonly tfBackend: string,
    readonly device: ConcreteDevice,
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.network = new Network(tf, spec, seed);
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

  /** @internal Throws when disposed; makes this model's tfjs backend the active one. */
  async activate(): Promise<void> {
    if (this.disposed) {
      throw new AekitError('MODEL_INVALID', `model "${this.spec.name}" was disposed; create a new one`);
    }
    if (this.tf.getBackend() !== this.tfBackend) await this.tf.setBackend(this.tfBackend);
  }

  /** @internal A forward context; `seed` drives dropout and VAE sampling in training. */
  context(training: boolean, seed = 0): ForwardContext {
    const rng = createRng(seed);
    return { tf: this.tf, training, nextSeed: () => rng.int(2147483647), updateState: training };
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
    const parts: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const out = this.tf.tidy(() =>
        fn(this.tf.tensor(x.subarray(start * per, end * per), [end - start, ...sampleShape])),
      );
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    }
    if (parts.length === 1) return parts[0]!;
    const total = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      total.set(p, offset);
      offset += p.length;
    }
    return total;
  }

  encode(x: Float32Array): Promise<Float32Array> {
    return this.mapBatches(
      x,
      this.inputShape,
      'encode input',
      (b) => this.network.encode(this.context(false), b).code,
    );
  }

  decode(z: Float32Array): Promise<Float32Array> {
    return this.mapBatches(z, this.latentShape, 'decode input', (b) =>
      this.network.decode(this.context(false), b),
    );
  }

  reconstruct(x: Float32Array): Promise<Float32Array> {
    return this.mapBatches(
      x,
      this.inputShape,
      'reconstruct input',
      (b) => this.network.forward(this.context(false), b).output,
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
      const { mean, logVar } = this.network.encode(this.context(false), b);
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

  /** @internal Loss and terms of a data set in inference mode, as sums (not yet averaged) and the count. */
  async evaluateSums(
    data: TrainData,
    batchSize: number,
    what: string,
  ): Promise<{ n: number; sums: Record<string, number> }> {
    await this.activate();
    const y = data.y ?? data.x;
    const n = checkPairs(data.x, data.y, this.inputShape, this.outputShape, what);
    if (n === 0) throw new OptionError(`${what}: holds no samples`);
    const inSize = data.x.length / Math.max(n, 1);
    const outSize = y.length / Math.max(n, 1);
    const sums: Record<string, number> = {};
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const count = end - start;
      const { names, values } = this.tf.tidy(() => {
        const xs = this.tf.tensor(data.x.subarray(start * inSize, end * inSize), [count, ...this.inputShape]);
        const ys = this.tf.tensor(y.subarray(start * outSize, end * outSize), [count, ...this.outputShape]);
        const terms = this.network.lossTerms(this.context(false), xs, ys);
        const names = Object.keys(terms);
        return { names, values: this.tf.stack(names.map((k) => terms[k]!)) };
      });
      const numbers = values.dataSync();
      values.dispose();
      names.forEach((name, i) => {
        sums[name] = (sums[name] ?? 0) + numbers[i]! * count;
      });
    }
    return { n, sums };
  }

  async evaluate(data: TrainData, options: { batchSize?: number } = {}): Promise<EvaluateResult> {
    const { n, sums } = await this.evaluateSums(data, options.batchSize ?? INFERENCE_BATCH, 'evaluate data');
    const terms: Record<string, number> = {};
    let loss = 0;
    for (const [k, v] of Object.entries(sums)) {
      terms[k] = v / n;
      loss += v / n;
    }
    return { loss, terms };
  }

  /** @internal The Adam optimiser (created on first use; learning rate updated when it changes). */
  ensureOptimizer(learningRate: number): Adam {
    if (!this.optimizer) this.optimizer = createAdam(this.tf, learningRate);
    else setLearningRate(this.optimizer, learningRate);
    return this.optimizer;
  }

  /** @internal One optimiser step on a batch; returns the loss and each term. */
  trainStep(
    x: Float32Array,
    y: Float32Array,
    count: number,
    seed: number,
    optimizer: Adam,
  ): Record<string, number> {
    const tf = this.tf;
    // Several terms come back stacked in one tensor (one read); a single term is the loss itself.
    let stacked: Tensor | undefined;
    let names: string[] = [];
    const cost = tf.tidy(() => {
      const xs = tf.tensor(x, [count, ...this.inputShape]);
      const ys = tf.tensor(y, [count, ...this.outputShape]);
      const ctx = this.context(true, seed);
      return optimizer.minimize(
        () => {
          const terms = this.network.lossTerms(ctx, xs, ys);
          names = Object.keys(terms);
          const list = names.map((k) => terms[k]!);
          if (list.length === 1) return list[0] as never;
          stacked = tf.keep(tf.stack(list));
          return tf.addN(list) as never;
        },
        true,
        this.network.trainable,
      )!;
    });
    const loss = cost.dataSync()[0]!;
    const values = stacked?.dataSync() ?? [loss];
    tf.dispose([cost, ...(stacked ? [stacked] : [])]);
    this.step++;
    const out: Record<string, number> = { loss };
    names.forEach((name, i) => {
      out[name] = values[i]!;
    });
    return out;
  }

  fit(data: TrainData, options: FitOptions): Promise<TfjsFitResult> {
    return runFit(this, data, options);
  }

  getWeights(): NamedTensor[] {
    return this.network.infos.map((info) => ({
      name: info.name,
      shape: [...info.shape],
      data: (this.network.param(info.name).dataSync() as Float32Array).slice(),
    }));
  }

  setWeights(weights: readonly NamedTensor[]): void {
    const checked = checkWeights(this.spec, weights);
    this.tf.tidy(() => {
      for (const w of checked) this.network.param(w.name).assign(this.tf.tensor(w.data, [...w.shape]));
    });
  }

  getTrainingState(): TrainingState {
    return {
      step: this.step,
      epoch: this.epoch,
      ...(this.optimizer
        ? {
            optimizer: readAdamSlots(this.optimizer, this.network),
            optimizerConfig: adamConfig(this.optimizer),
          }
        : {}),
    };
  }

  setTrainingState(state: TrainingState): void {
    this.step = state.step;
    this.epoch = state.epoch;
    if (state.optimizer && state.optimizer.length > 0) {
      const lr = Number(state.optimizerConfig?.learningRate ?? 1e-3);
      const optimizer = this.ensureOptimizer(lr);
      writeAdamSlots(this.tf, optimizer, this.network, state.optimizer, state.step);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer?.dispose();
    this.optimizer = undefined;
    this.network.dispose();
  }
}
