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
  /** The anomaly view's detector (absent in manifests written before it existed). */
  anomaly?: AnomalyEntry;
}

/**
 * A one-class anomaly detector: an autoencoder trained on one class only, with an aekit `AnomalyDetector`
 * calibrated on held-out images of that class, exported as one ONNX graph (raw input -> `feature_errors`,
 * `score`, `is_anomaly`; the threshold inside and in the `aekit.detector` metadata).
 */
export interface AnomalyEntry {
  id: string;
  title: string;
  description: string;
  dataset: 'fashion-mnist' | 'mnist';
  /** The class the model was trained on: everything else should score above the threshold. */
  normalClass: { index: number; name: string };
  inputShape: [number, number, number];
  /** ONNX detector graph beside the manifest. */
  detector: string;
  /** JSON beside the manifest: typical normal and clearly anomalous held-out test images (`AnomalySamples`). */
  samples: string;
  /** The per-sample score (`mse`: mean squared per-pixel error) and the calibrated threshold. */
  score: string;
  threshold: { method: string; value: number; expectedFalseAlarmRate: number | null };
  training: {
    backend: string;
    samples: number;
    epochs: number;
    finalLoss: number;
    calibrationSamples: number;
  };
  /** Measured by the export script on the whole test split through the exported graph. */
  test: { samples: number; auroc: number; normalSamples: number; normalFlaggedRate: number };
}

/** Held-out test images for the anomaly view's buttons, as 8-bit grayscale (base64 of width*height bytes). */
export interface AnomalySamples {
  classNames: string[];
  width: number;
  height: number;
  /** The normal class's lowest-scoring test images. */
  normal: { label: number; image: string }[];
  /** The highest-scoring test image of each other class. */
  anomalous: { label: number; image: string }[];
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
