import { OptionError } from '@aekit/core';

export interface EarlyStoppingState {
  best: number;
  wait: number;
  bestEpoch: number;
}

export interface EarlyStoppingOptions {
  patience: number;
  minDelta?: number;
  restoreBest?: boolean;
}

/**
 * Tracks the monitored loss (validation loss, else training loss) epoch by epoch: the best value and its
 * epoch, and how many epochs have passed without an improvement of more than `minDelta`. Without options it
 * only tracks the best epoch and never asks to stop.
 */
export class EarlyStopping {
  best = Number.POSITIVE_INFINITY;
  wait = 0;

  constructor(
    public bestEpoch: number,
    private readonly options?: EarlyStoppingOptions,
    /** The state of an earlier fit (or of the checkpoint a run resumes from) to continue from. */
    resume?: EarlyStoppingState,
  ) {
    if (resume) {
      this.best = resume.best;
      this.wait = resume.wait;
      this.bestEpoch = resume.bestEpoch;
    }
    const patience = options?.patience ?? 1;
    if (options && !(Number.isInteger(patience) && patience >= 1)) {
      throw new OptionError(
        `fit: earlyStopping.patience must be a positive integer, got ${String(options.patience)}`,
        { details: { option: 'earlyStopping.patience', actual: options.patience } },
      );
    }
  }

  /** Records an epoch's monitored loss; returns 'improved', 'waiting' or 'stop'. */
  update(epoch: number, monitored: number): 'improved' | 'waiting' | 'stop' {
    if (monitored < this.best - (this.options?.minDelta ?? 0)) {
      this.best = monitored;
      this.bestEpoch = epoch;
      this.wait = 0;
      return 'improved';
    }
    if (!this.options) return 'waiting';
    this.wait++;
    return this.wait >= (this.options.patience ?? 1) ? 'stop' : 'waiting';
  }

  state(): EarlyStoppingState {
    return { best: this.best, wait: this.wait, bestEpoch: this.bestEpoch };
  }

  get restoresBest(): boolean {
    return this.options?.restoreBest === true;
  }
}
