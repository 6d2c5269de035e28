/** What `public/models/manifest.json` holds: written by `scripts/export-models.ts`, read by the app. */

export type ModelKind = 'autoencoder' | 'vae' | 'denoiser';

export interface ModelEntry {
  id: string;
  title: string;
  description: string;
  kind: ModelKind;
  dataset: 'fashion-mnist' | 'mnist';
  /** One sample, channels last: [height, width, channels]. */
  inputShape: [number, number, number];
  /** One latent code (the mean for a VAE). */
  latentShape: number[];
  /** ONNX files beside the manifest: input -> latent (mean, logVar for a VAE) and latent -> reconstruction. */
  encoder: string;
  decoder: string;
  /** Latent-space explorer JSON beside the manifest. */
  explorer: string;
  /** False only for placeholder models made with `--untrained` (UI development). */
  trained: boolean;
  /** Std of the Gaussian noise the denoiser was trained with. */
  noiseStd?: number;
  training: { backend: string; samples: number; epochs: number; finalLoss: number };
  /** Measured by the export script on held-out images, in Node, through the exported ONNX files. */
  test: { samples: number; mse: number; noisyMse?: number; denoisedMse?: number };
}

export interface Manifest {
  version: 1;
  models: ModelEntry[];
}

/** 2-D projection of held-out latent codes, with the images as 8-bit grayscale thumbnails. */
export interface ExplorerData {
  method: string;
  /** Fraction of the latent variance each axis explains. */
  explained: [number, number];
  /** Written by the export script from `@aekit/datasets`' catalog (`DATASETS[name].classNames`). */
  classNames: string[];
  width: number;
  height: number;
  points: { x: number; y: number; label: number /** base64 of width*height bytes. */; image: string }[];
}
