import type { Autoencoder } from './autoencoder.js';
import type { Rng } from './rng.js';
import type { ModelSpec } from './spec/model-spec.js';
import type { NamedTensor } from './tensor.js';

/** Training data: stacked samples. `y` defaults to `x` (the clean target; corruption is applied to inputs only). */
export interface TrainData {
  x: Float32Array;
  y?: Float32Array;
}

export interface BatchInfo {
  epoch: number;
  batch: number;
  batches: number;
  /** Running mean training loss of this epoch so far. */
  loss: number;
  samplesSeen: number;
}

/** One epoch's numbers, as appended to `metrics.jsonl`. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  valLoss?: number;
  /** Loss terms averaged over the epoch: `reconstruction`, `kl`, `l1Activity`, `klSparsity`, `contractive`... */
  terms: Record<string, number>;
  valTerms?: Record<string, number>;
  seconds: number;
  samplesPerSecond: number;
}

export interface FitCallbacks {
  onBatchEnd?(info: BatchInfo): void | Promise<void>;
  onEpochEnd?(metrics: EpochMetrics): void | Promise<void>;
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** Seeds shuffling, dropout, corruption and VAE sampling. */
  seed?: number;
  shuffle?: boolean;
  validation?: TrainData;
  /** Stop when the validation loss (else training loss) has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /**
   * Corrupts a batch of inputs in place (denoising). Default: the spec's own `corruption` (see
   * `createCorruption`), none when it has none; pass one to train with another corruption.
   */
  corrupt?: (batch: Float32Array, rng: Rng) => void;
  /**
   * Saves a checkpoint into `dir` after every epoch (Node only; `saveTrainableModel` of `@aekit/core/node`),
   * with `meta()` as its free-form facts.
   */
  checkpoint?: { dir: string; meta?: () => Record<string, unknown> };
  callbacks?: FitCallbacks;
  signal?: AbortSignal;
}

export interface FitResult {
  history: EpochMetrics[];
  stoppedEarly: boolean;
  bestEpoch: number;
  /** Optimiser steps taken so far by this model (across fit calls). */
  step: number;
}

export interface EvaluateResult {
  loss: number;
  terms: Record<string, number>;
}

/** Training state saved with a checkpoint beside the weights. */
export interface TrainingState {
  step: number;
  epoch: number;
  /** Optimiser slots (e.g. Adam's m and v) as named tensors. */
  optimizer?: NamedTensor[];
  optimizerConfig?: Record<string, number | string>;
  /** Early stopping's state, so a resumed run stops where the uninterrupted one would. */
  earlyStopping?: { best: number; wait: number; bestEpoch: number };
  /** The weights of `earlyStopping.bestEpoch` when they differ from the current ones (restoreBest). */
  bestWeights?: NamedTensor[];
}

/** A spec compiled by a training backend. */
export interface TrainableModel extends Autoencoder {
  readonly backendName: string;
  fit(data: TrainData, options: FitOptions): Promise<FitResult>;
  evaluate(data: TrainData, options?: { batchSize?: number }): Promise<EvaluateResult>;
  getWeights(): NamedTensor[];
  setWeights(weights: readonly NamedTensor[]): void;
  getTrainingState(): TrainingState;
  setTrainingState(state: TrainingState): void;
  dispose(): void;
}

/** A training backend (tfjs...): registers itself by name in `trainingBackends`. */
export interface TrainingBackend {
  /** Prepares the backend; rejects with a BackendUnavailableError saying why it cannot run here. */
  init(): Promise<void>;
  /** Which device/flavour it ended up on and why, e.g. "wasm (tfjs-node not installed)". */
  describe(): string;
  createModel(spec: ModelSpec, options?: { seed?: number }): Promise<TrainableModel>;
}
