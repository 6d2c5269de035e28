import type { ModelSpec, TrainData } from '@aekit/core';
import type { TfjsModel } from '@aekit/tfjs-backend';

/** One line of the table in docs/results.md. */
export interface Row {
  model: string;
  spec: string;
  code: number;
  trainImages: number;
  epochs: number;
  mse: number;
  vsPca: string;
  extra: string;
  seconds: number;
}

/** What a section of the results script needs from the runner: training, pictures and the log. */
export interface ResultsContext {
  /** Fashion-MNIST images of the run's budget, [n, 28, 28, 1] in [0, 1]. */
  train: Float32Array;
  test: Float32Array;
  /** Trains `spec` on `data` with the run's batch size and seed. */
  fit(spec: ModelSpec, data: TrainData, settings?: FitSettings): Promise<FitOutcome>;
  /**
   * Writes `rows` of samples of `sampleShape` as <name>.png in the pictures' folder (docs/images/ by default),
   * `labels[i]` left of row i, and links it from the report with `caption` under it.
   */
  picture(
    name: string,
    rows: Float32Array[],
    sampleShape: readonly number[],
    columns: number,
    labels: readonly string[],
    caption: string,
  ): Promise<void>;
  log(message: string): void;
}

export interface FitSettings {
  /** Default: the run's `--epochs`. */
  epochs?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
}

export interface FitOutcome {
  model: TfjsModel;
  /** Training time in seconds. */
  seconds: number;
  /** Epochs run. */
  epochs: number;
}
