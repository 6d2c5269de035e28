import {
  createCorruption,
  createRng,
  type EpochMetrics,
  type FitOptions,
  type FitResult,
  gatherRows,
  type NamedTensor,
  OptionError,
  requireFinite,
  type TrainableModel,
  type TrainData,
  TrainingDivergedError,
  type TrainingState,
} from '@aekit/core';
import { importOptional } from '../device/load-tfjs.js';
import { forwardContext } from '../engine/context.js';
import type { Network } from '../engine/network.js';
import type { Tensor, Tf } from '../tf.js';
import { checkPairs, yieldToEventLoop } from './batches.js';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';
import { averageSums, evaluateLossSums } from './evaluate-loss.js';
import { NativeDenseStep } from './native-dense-step.js';
import {
  type Adam,
  adamConfig,
  createAdam,
  readAdamSlots,
  readAdamSlotsToHost,
  setLearningRate,
  writeAdamSlots,
} from './optimizer-state.js';

/** core's Node entry (checkpoint files), loaded only when a checkpoint is saved. */
type CoreNode = typeof import('@aekit/core/node');
const CORE_NODE = '@aekit/core/node';

export const DEFAULT_BATCH_SIZE = 32;
export const DEFAULT_LEARNING_RATE = 1e-3;

export interface TfjsFitResult extends FitResult {
  /** True when `signal` aborted the run (the partial epoch is not in `history`). */
  aborted: boolean;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new OptionError(`fit: ${name} must be a positive integer, got ${String(value)}`, {
      details: { option: name, actual: value },
    });
  }
  return v;
}

/** The RNG of one epoch: derived from the fit seed and the global epoch, so resumed runs replay the same. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

/** Throws DataError when training data hold NaN or ±Infinity, naming how many and where. */
function checkFiniteData(values: Float32Array, sampleSize: number, what: string): void {
  requireFinite(values, what, { sampleSize, fix: 'clean or drop those samples before training' });
}

/**
 * Trains one network: owns the loop (seeded shuffling, batching, the corruption a spec names, validation,
 * early stopping, per-epoch checkpoints), the Adam optimiser and its state, and the step and epoch counters
 * that a checkpoint saves and a resumed run continues from. `TfjsModel.fit` delegates here.
 */
export class Trainer {
  /** Optimiser steps taken (across fit calls and checkpoints). */
  step = 0;
  /** Completed epochs (across fit calls and checkpoints). */
  epoch = 0;
  private optimizer: Adam | undefined;
  /** Early stopping's state after the last epoch (continued by the next fit, saved by checkpoints). */
  private earlyState: EarlyStoppingState | undefined;
  /** restoreBest: the best epoch's weights, while they differ from the current ones. */
  private bestWeights: NamedTensor[] | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly network: Network,
    /** The model this trainer trains: what a checkpoint saves (weights and this trainer's state). */
    private readonly model: TrainableModel,
  ) {}

  /** The Adam optimiser (created on first use; its learning rate updated when it changes). */
  private ensureOptimizer(learningRate: number): Adam {
    if (!this.optimizer) this.optimizer = createAdam(this.tf, learningRate);
    else setLearningRate(this.optimizer, learningRate);
    return this.optimizer;
  }

  async fit(data: TrainData, options: FitOptions): Promise<TfjsFitResult> {
    const { network } = this;
    const { spec } = network;
    const epochs = positiveInt(options.epochs, 'epochs', 1);
    const batchSize = positiveInt(options.batchSize, 'batchSize', DEFAULT_BATCH_SIZE);
    const learningRate = options.learningRate ?? DEFAULT_LEARNING_RATE;
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new OptionError(
        `fit: learningRate must be a positive number, got ${String(options.learningRate)}`,
      );
    }
    const { input: inputShape, output: outputShape } = network.shapes;
    const n = checkPairs(data.x, data.y, inputShape, outputShape, 'fit data');
    if (n === 0) throw new OptionError('fit: the training data holds no samples');
    if (options.validation) {
      checkPairs(options.validation.x, options.validation.y, inputShape, outputShape, 'fit validation');
    }
    checkFiniteData(data.x, data.x.length / n, 'fit data.x');
    if (data.y) checkFiniteData(data.y, data.y.length / n, 'fit data.y');
    if (options.validation) {
      const { x: vx, y: vy } = options.validation;
      const m = vx.length / Math.max(1, data.x.length / n);
      checkFiniteData(vx, data.x.length / n, 'fit validation.x');
      if (vy) checkFiniteData(vy, vy.length / Math.max(1, m), 'fit validation.y');
    }
    // A denoising spec names its corruption; the trainer applies it to each batch of inputs.
    const corrupt =
      options.corrupt ?? (spec.corruption ? createCorruption(spec.corruption, spec.inputShape) : undefined);
    const stopping = new EarlyStopping(this.epoch, options.earlyStopping, this.earlyState);
    if (stopping.restoresBest && !this.bestWeights && stopping.bestEpoch === this.epoch && this.epoch > 0) {
      await this.readToHost();
      this.bestWeights = this.model.getWeights();
    }
    const x = data.x;
    const y = data.y ?? data.x;
    const inSize = x.length / n;
    const outSize = y.length / n;
    const seed = options.seed ?? 0;
    const optimizer = this.ensureOptimizer(learningRate);
    const history: EpochMetrics[] = [];
    let stoppedEarly = false;
    let aborted = false;
    const batches = Math.ceil(n / batchSize);
    // tfjs's wasm backend copies a tensor's values into its heap when the tensor is made, so one pair of
    // arrays holds every batch there: a fresh 400 KB array per step cost about 0.4 ms of first-touch page
    // faults on a 2-core VM (a dense step is about 4.4 ms). Other backends may keep the array itself (the CPU
    // backend stores it as the tensor), so each batch gets its own.
    const staged = this.tf.getBackend() === 'wasm';
    const xStage = staged ? new Float32Array(Math.min(n, batchSize) * inSize) : undefined;
    const yStage =
      staged && (corrupt || y !== x) ? new Float32Array(Math.min(n, batchSize) * outSize) : undefined;

    // A dense stack on wasm: each step as direct calls into aekit's SIMD kernels (native-dense-step.ts).
    const nativeStep = NativeDenseStep.create(this.tf, this.network, Math.min(n, batchSize));
    try {
      for (let e = 0; e < epochs && !aborted; e++) {
        const epoch = this.epoch + 1;
        const rng = createRng(epochSeed(seed, epoch));
        const order = new Uint32Array(n);
        for (let i = 0; i < n; i++) order[i] = i;
        if (options.shuffle !== false) rng.shuffle(order);
        const sums: Record<string, number> = {};
        let seen = 0;
        const started = performance.now();
        for (let b = 0; b < batches; b++) {
          if (options.signal?.aborted) {
            aborted = true;
            break;
          }
          const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
          const xb = gatherRows(x, inSize, idx, 'fit data.x', xStage);
          const yb = corrupt || y !== x ? gatherRows(y, outSize, idx, 'fit data.y', yStage) : xb;
          if (corrupt) corrupt(xb, rng);
          const stepSeed = rng.int(2147483647);
          let values: Record<string, number>;
          if (nativeStep) {
            values = nativeStep.step(xb, yb, idx.length, stepSeed, optimizer);
            this.step++;
          } else {
            values = await this.trainStep(xb, yb, idx.length, stepSeed, optimizer);
          }
          if (!Object.values(values).every(Number.isFinite)) {
            const what = Object.entries(values)
              .filter(([, v]) => !Number.isFinite(v))
              .map(([k, v]) => `${k} ${v}`)
              .join(', ');
            throw this.diverged(epoch, b + 1, batches, what, learningRate, history);
          }
          for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v * idx.length;
          seen += idx.length;
          await options.callbacks?.onBatchEnd?.({
            epoch,
            batch: b + 1,
            batches,
            loss: (sums.loss ?? 0) / seen,
            samplesSeen: seen,
          });
          await yieldToEventLoop();
        }
        if (aborted) break;
        const seconds = (performance.now() - started) / 1000;
        const { loss = 0, ...terms } = averageSums(sums, seen);
        const metrics: EpochMetrics = {
          epoch,
          loss,
          terms,
          seconds,
          samplesPerSecond: seen / Math.max(seconds, 1e-9),
        };
        if (options.validation) {
          const val = await evaluateLossSums(
            this.tf,
            network,
            options.validation,
            Math.max(batchSize, 256),
            'fit validation',
          );
          const valTerms = averageSums(val.sums, val.n);
          metrics.valLoss = Object.values(valTerms).reduce((s, v) => s + v, 0);
          metrics.valTerms = valTerms;
        }
        if (metrics.valLoss !== undefined && !Number.isFinite(metrics.valLoss)) {
          throw this.diverged(
            epoch,
            batches,
            batches,
            `validation loss ${metrics.valLoss}`,
            learningRate,
            history,
          );
        }
        // The synchronous reads below (weights, best weights, checkpoint) need host copies on webgpu.
        await this.readToHost();
        // A finite loss can hide non-finite weights (e.g. batch-norm statistics used only in inference).
        const badWeights = this.model
          .getWeights()
          .reduce((n, w) => n + w.data.filter((v) => !Number.isFinite(v)).length, 0);
        if (badWeights > 0) {
          throw this.diverged(
            epoch,
            batches,
            batches,
            `${badWeights} weights are not finite`,
            learningRate,
            history,
          );
        }
        this.epoch = epoch;
        history.push(metrics);
        const verdict = stopping.update(epoch, metrics.valLoss ?? metrics.loss);
        this.earlyState = stopping.state();
        if (stopping.restoresBest && verdict === 'improved') this.bestWeights = this.model.getWeights();
        await options.callbacks?.onEpochEnd?.(metrics);
        if (options.checkpoint) await this.saveCheckpoint(options.checkpoint);
        if (verdict === 'stop') {
          stoppedEarly = true;
          break;
        }
      }
    } finally {
      nativeStep?.dispose();
    }
    if (stopping.restoresBest && this.bestWeights && stopping.bestEpoch !== this.epoch) {
      this.model.setWeights(this.bestWeights);
    }
    return { history, stoppedEarly, bestEpoch: stopping.bestEpoch, step: this.step, aborted };
  }

  /** The error of a step (or validation) whose loss is not finite; the model's weights are no longer usable. */
  private diverged(
    epoch: number,
    batch: number,
    batches: number,
    what: string,
    learningRate: number,
    history: EpochMetrics[],
  ): TrainingDivergedError {
    return new TrainingDivergedError(
      `training diverged in epoch ${epoch} at step ${this.step} (batch ${batch} of ${batches}): ${what}. The model's weights are no longer usable; reload the last checkpoint (epoch ${this.epoch}) and lower the learning rate (now ${learningRate})`,
      {
        details: { epoch, step: this.step, batch, what, learningRate, lastFiniteEpoch: this.epoch, history },
      },
    );
  }

  /** On webgpu, copies the weights and Adam's slots to the host, for the synchronous reads that follow. */
  async readToHost(): Promise<void> {
    await this.network.readToHost();
    await readAdamSlotsToHost(this.tf, this.optimizer);
  }

  private async saveCheckpoint(checkpoint: NonNullable<FitOptions['checkpoint']>): Promise<void> {
    // Through a specifier a bundler leaves alone: a browser bundle must not pull in core/node's file code.
    let core: CoreNode;
    try {
      core = (await importOptional(CORE_NODE)) as CoreNode;
    } catch (error) {
      throw new OptionError(
        `checkpoint: saving checkpoints to a directory ("${checkpoint.dir}") needs Node's file system (${CORE_NODE} did not load here); in a browser leave out the checkpoint option and save getWeights() yourself`,
        { cause: error },
      );
    }
    await core.saveTrainableModel(checkpoint.dir, this.model, checkpoint.meta?.());
  }

  /** One optimiser step on a batch; returns the loss and each term. */
  private async trainStep(
    x: Float32Array,
    y: Float32Array,
    count: number,
    seed: number,
    optimizer: Adam,
  ): Promise<Record<string, number>> {
    const { tf, network } = this;
    // Several terms come back stacked in one tensor (one read); a single term is the loss itself.
    let stacked: Tensor | undefined;
    let names: string[] = [];
    const cost = tf.tidy(() => {
      const xs = tf.tensor(x, [count, ...network.shapes.input]);
      const ys = tf.tensor(y, [count, ...network.shapes.output]);
      const ctx = forwardContext(tf, true, seed);
      return optimizer.minimize(
        () => {
          const terms = network.lossTerms(ctx, xs, ys);
          names = Object.keys(terms);
          const list = names.map((k) => terms[k]!);
          if (list.length === 1) return list[0] as never;
          stacked = tf.keep(tf.stack(list));
          return tf.addN(list) as never;
        },
        true,
        network.trainable,
      )!;
    });
    // Asynchronous reads, both at once: WebGPU in Node has no synchronous read, and each waits for the GPU.
    const [costValues, stackedValues] = await Promise.all([cost.data(), stacked?.data()]);
    const loss = costValues[0]!;
    const values = stackedValues ?? [loss];
    tf.dispose([cost, ...(stacked ? [stacked] : [])]);
    this.step++;
    const out: Record<string, number> = { loss };
    names.forEach((name, i) => {
      out[name] = values[i]!;
    });
    return out;
  }

  /** Step, epoch and the optimiser's slots and settings, as a checkpoint stores them. */
  getState(): TrainingState {
    const early = this.earlyState;
    return {
      step: this.step,
      epoch: this.epoch,
      ...(early ? { earlyStopping: { ...early } } : {}),
      ...(early && this.bestWeights && early.bestEpoch !== this.epoch
        ? { bestWeights: this.bestWeights }
        : {}),
      ...(this.optimizer
        ? {
            optimizer: readAdamSlots(this.optimizer, this.network),
            optimizerConfig: adamConfig(this.optimizer),
          }
        : {}),
    };
  }

  setState(state: TrainingState): void {
    this.step = state.step;
    this.epoch = state.epoch;
    this.earlyState = state.earlyStopping ? { ...state.earlyStopping } : undefined;
    this.bestWeights = state.bestWeights;
    if (state.optimizer && state.optimizer.length > 0) {
      const lr = Number(state.optimizerConfig?.learningRate ?? DEFAULT_LEARNING_RATE);
      writeAdamSlots(this.tf, this.ensureOptimizer(lr), this.network, state.optimizer, state.step);
    }
  }

  dispose(): void {
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }
}
