import type { ModelSpec } from './spec/model-spec.js';
import type { NamedTensor } from './tensor.js';
import type { TrainingState } from './training.js';
import type { WeightEntry } from './weights.js';

export const CHECKPOINT_FORMAT = 'aekit-checkpoint';
/** Version 2: weight files named by their content, listed with size and SHA-256 in the manifest. */
export const CHECKPOINT_VERSION = 2;
export const CHECKPOINT_MANIFEST = 'checkpoint.json';
/** Version 1's fixed file names (still read). */
export const CHECKPOINT_WEIGHTS = 'weights.bin';
export const CHECKPOINT_OPTIMIZER = 'optimizer.bin';

/** A binary file of a checkpoint, as the manifest lists it. */
export interface CheckpointFile {
  /** File name inside the checkpoint directory (`weights-<sha256 prefix>.bin`). */
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * `checkpoint.json`, written last: the spec, the files holding the weights (and the optimizer's slots, and the
 * best weights so far when they differ) with their checksums, where each tensor sits in them, and the training
 * state. A reader that finds this file finds every file it names complete.
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: 1 | 2;
  createdAt: string;
  backend?: string;
  spec: ModelSpec;
  weights: WeightEntry[];
  /** Version 2: the files. */
  files?: { weights: CheckpointFile; optimizer?: CheckpointFile; best?: CheckpointFile };
  training: {
    step: number;
    epoch: number;
    optimizer?: WeightEntry[];
    optimizerConfig?: Record<string, number | string>;
    earlyStopping?: TrainingState['earlyStopping'];
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
