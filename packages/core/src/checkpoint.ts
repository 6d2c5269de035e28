import type { ModelSpec } from './spec/model-spec.js';
import type { NamedTensor } from './tensor.js';
import type { TrainingState } from './training.js';
import type { WeightEntry } from './weights.js';

export const CHECKPOINT_FORMAT = 'aekit-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_MANIFEST = 'checkpoint.json';
export const CHECKPOINT_WEIGHTS = 'weights.bin';
export const CHECKPOINT_OPTIMIZER = 'optimizer.bin';

/** `checkpoint.json`: the spec, where each weight sits in `weights.bin`, and the training state. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  createdAt: string;
  backend?: string;
  spec: ModelSpec;
  weights: WeightEntry[];
  training: {
    step: number;
    epoch: number;
    optimizer?: WeightEntry[];
    optimizerConfig?: Record<string, number | string>;
  };
  /** Free-form facts about the run (dataset, options, final metrics). */
  meta?: Record<string, unknown>;
}

/** A checkpoint in memory. */
export interface Checkpoint {
  spec: ModelSpec;
  weights: NamedTensor[];
  training: TrainingState;
  backend?: string;
  meta?: Record<string, unknown>;
}
