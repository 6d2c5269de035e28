import type { DatasetName, Split } from './catalog.js';

/** Where a dataset's files were found. */
export type DataSourceKind = 'dir' | 'env' | 'cache' | 'system' | 'download' | 'sample';

export interface DataSource {
  readonly kind: DataSourceKind;
  /** The directory the files were read from. */
  readonly path: string;
}

/** A labelled image dataset in memory, NHWC float32 in [0, 1]. */
export interface ImageDataset {
  readonly name: DatasetName | string;
  readonly split: Split;
  /** `count * height * width * channels` values, each `uint8 / 255`. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  /** `[height, width, channels]`, e.g. `[28, 28, 1]`. */
  readonly sampleShape: [number, number, number];
  readonly classNames: string[];
  readonly source: DataSource;
}
