import type { BadRow, FitPolicy, MissingPolicy, SkippedImage } from '@aekit/datasets';

/** An image folder's decoding: threads, seconds, files left out by `skipBad`. */
export interface ImageReadInfo {
  workers: number;
  seconds: number;
  skipped: SkippedImage[];
}

/** The user's own samples, as `aekit train --data` reads them. */
export interface UserData {
  /**
   * `table`: a CSV's rows; `array`: a .npy's samples (its first axis counts them); `images`: a folder's;
   * `series`: windows [window, channels] cut from a table's rows or an array's steps (`--window`).
   */
  kind: 'table' | 'array' | 'images' | 'series';
  /** Raw values, [count, ...sampleShape], row-major. */
  x: Float32Array;
  sampleShape: number[];
  count: number;
  /** The label column's values, when `--label-column` chose one (never among the features). */
  labels?: Float32Array;
  /** A label column of class names: the names `labels` index, in first-seen order (absent: numeric labels). */
  labelNames?: string[];
  /** A table's feature column names, in order. */
  columns?: string[];
  /** A series' windows: the step where each starts (its id). */
  ids?: Uint32Array;
  /** A table's `--id-column` cells, as text, one per row (never among the features). */
  rowIds?: string[];
  /**
   * Each row's 0-based position among the file's data rows, when some were left out (`--skip-bad`, `--missing
   * drop-rows`): a series' windows do not reach across a left-out row, and their ids stay the file's steps.
   */
  steps?: Uint32Array;
  file: string;
  /** An image folder's decoding: threads, seconds, files left out by `skipBad`. */
  images?: ImageReadInfo;
  /** A table's bad rows `--skip-bad` left out (a ragged row, text in a numeric column), by file line. */
  skippedRows?: readonly BadRow[];
  /** A table's cells without a value: NaN under `--missing mean` until `fillFromTraining`. */
  missing?: { cells: number; droppedRows: number };
}

export interface TableOptions {
  /** Feature columns (names, or 0-based indices of the file's columns); default: all but the label. */
  columns?: string[];
  /** The label (or id) column, kept out of the features. A name or a 0-based index (negative: from the end). */
  labelColumn?: string;
  /** A table's id column (a name, or a 0-based index), kept out of the features; its cells are text. */
  idColumn?: string;
  /** Lines before the header or the first row (e.g. scikit-learn's "569,30,malignant,benign"). */
  skipLines?: number;
  /** The array of a .npz archive (needed when it holds several). */
  array?: string;
  /** What a table's cells without a value become. Default `error`. */
  missing?: MissingPolicy;
  /** An image folder's sample size, [height, width]. Default [32, 32]. */
  imageSize?: number[];
  /** An image folder's channels. Default 3. */
  channels?: number;
  /** How an image folder's images are brought to `imageSize`. Default 'crop' (scale to cover, centre crop). */
  fit?: FitPolicy;
  /**
   * Leave out bad items (an image folder's unreadable files, a table's ragged rows and text in its numeric
   * columns) and count them, instead of refusing the data.
   */
  skipBad?: boolean;
  /** An image folder: read at most this many images, evenly spaced over its sorted files. */
  maxImages?: number;
  /** An image folder: the most bytes its float32 samples may take (default: see `readImages`). */
  maxBytes?: number;
}
