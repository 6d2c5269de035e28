// Messages between the page (train-panel.ts) and the training worker (train-worker.ts).
import type { TrainDevice, TrainModelId } from './train-models.js';

/** Page -> worker: train on `x` ([n, 28, 28, 1] in [0, 1]); or stop the run in progress. */
export type ToWorker =
  | {
      type: 'train';
      model: TrainModelId;
      x: Float32Array;
      count: number;
      epochs: number;
      /** The tfjs device: 'auto' (webgpu on a hardware adapter, else wasm) unless the page's ?train-device= says. */
      device: TrainDevice;
      /** Samples whose reconstructions are posted after each epoch (the first ones of `x`). */
      previewCount: number;
    }
  | { type: 'stop' };

/** Worker -> page. */
export type FromWorker =
  /** `device`: short ('wasm (SIMD)', 'wasm (relaxed SIMD)', 'webgpu'); `description`: the backend's full device line, with why. */
  | { type: 'device'; device: string; description: string; parameters: number }
  /** Epoch 0 is the untrained model's loss on the data; `reconstructions` of the preview samples. */
  | { type: 'epoch'; epoch: number; loss: number; reconstructions: Float32Array; seconds: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | {
      type: 'done';
      /** True when the stop button ended the run (the export holds the weights as the stop left them). */
      stopped: boolean;
      epochs: number;
      onnx: Uint8Array;
      checkpointJson: string;
      weightsBin: ArrayBuffer;
    }
  | { type: 'error'; message: string };
