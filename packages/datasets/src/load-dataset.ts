import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, getLogger, infoOnce, OptionError } from '@aekit/core';
import { DATASET_NAMES, DATASETS, type DatasetFile, type DatasetName, type Split } from './catalog.js';
import { downloadVerified, type ProgressCallback } from './download.js';
import { readIdx } from './idx.js';
import type { DataSource, DataSourceKind, ImageDataset } from './image-dataset.js';

export interface LoadDatasetOptions {
  /** 'train' (default) or 'test'. */
  split?: Split;
  /** Keep only the first `limit` samples. */
  limit?: number;
  /** A directory holding the IDX files (or a `<name>/` folder with them); searched first. */
  dir?: string;
  /**
   * Only `dir`: when it lacks the files, fail (DATA_NOT_FOUND naming `dir`) instead of trying the other places,
   * the download and the sample. For a directory the user named explicitly.
   */
  onlyDir?: boolean;
  /** Root of the download cache; files go to `<cacheDir>/<name>`. Default `$XDG_CACHE_HOME/aekit` or `~/.cache/aekit`. */
  cacheDir?: string;
  /** Download the original files when no local copy exists. Default true, false when `CI` or `VITEST` is set. */
  allowDownload?: boolean;
  /** Base URL to download from instead of the canonical mirror (the file name is appended). */
  mirror?: string;
  /** Where a system package installs the files; `false` skips this place. Default `/usr/share/datasets/<name>`. */
  systemDir?: string | false;
  /** Fall back to the small sample shipped in this package. Default true. */
  allowSample?: boolean;
  onProgress?: ProgressCallback;
  fetch?: typeof fetch;
}

const DATA_ROOT = fileURLToPath(new URL('../data/', import.meta.url));

/** The directory of the sample subset shipped in this package for `name`. */
export function sampleDir(name: DatasetName): string {
  return join(DATA_ROOT, `${name}-sample`);
}

/** The download cache directory of `name`: `<cacheDir>/<name>`, by default under XDG_CACHE_HOME or ~/.cache. */
export function cacheDirFor(name: DatasetName, cacheDir?: string): string {
  const root =
    cacheDir ??
    (process.env.XDG_CACHE_HOME
      ? join(process.env.XDG_CACHE_HOME, 'aekit')
      : join(homedir(), '.cache', 'aekit'));
  return join(root, name);
}

interface Candidate {
  kind: DataSourceKind;
  dir: string;
}

/** The places searched for `name`, in order (download and sample excluded). */
function candidates(name: DatasetName, options: LoadDatasetOptions): Candidate[] {
  const list: Candidate[] = [];
  if (options.dir !== undefined) {
    list.push({ kind: 'dir', dir: options.dir }, { kind: 'dir', dir: join(options.dir, name) });
  }
  const env = process.env.AEKIT_DATA_DIR;
  if (env) list.push({ kind: 'env', dir: join(env, name) }, { kind: 'env', dir: env });
  list.push({ kind: 'cache', dir: cacheDirFor(name, options.cacheDir) });
  const system = options.systemDir ?? DATASETS[name].systemDir;
  if (system !== false) list.push({ kind: 'system', dir: system });
  return list;
}

/** The path of `file` in `dir`, gzipped or not, or undefined. */
function findFile(dir: string, file: DatasetFile): string | undefined {
  const gz = join(dir, file.file);
  if (existsSync(gz)) return gz;
  const plain = join(dir, file.file.replace(/\.gz$/, ''));
  return existsSync(plain) ? plain : undefined;
}

function defaultAllowDownload(): boolean {
  return !(process.env.CI || process.env.VITEST);
}

function checkOptions(name: string, options: LoadDatasetOptions): asserts name is DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new OptionError(`unknown dataset "${name}". Should be one of: ${DATASET_NAMES.join(', ')}`, {
      details: { expected: DATASET_NAMES, actual: name },
    });
  }
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new OptionError(`unknown split "${String(split)}". Should be one of: train, test`, {
      details: { expected: ['train', 'test'], actual: split },
    });
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    throw new OptionError(`limit must be a positive integer, got ${options.limit}`, {
      details: { expected: 'positive integer', actual: options.limit },
    });
  }
}

/**
 * Loads MNIST or Fashion-MNIST as float32 NHWC images in [0, 1] (`uint8 / 255`) with their labels.
 * Looks, in order, in: `dir` (and `dir/<name>`), `$AEKIT_DATA_DIR/<name>` and `$AEKIT_DATA_DIR`, the user cache
 * (`$XDG_CACHE_HOME/aekit/<name>` or `~/.cache/aekit/<name>`), the system dir (`/usr/share/datasets/<name>`,
 * e.g. Debian's dataset-fashion-mnist), then downloads the originals into the cache (checksum verified,
 * atomic), and last falls back to the small sample shipped in this package. The source used is returned in
 * `source` and logged once. Throws `DataError` 'DATA_NOT_FOUND' listing every place looked when none has the
 * files, and 'DATA_INVALID' when a file is corrupt or a download fails its checksum.
 */
export async function loadDataset(
  name: DatasetName,
  options: LoadDatasetOptions = {},
): Promise<ImageDataset> {
  checkOptions(name, options);
  const split = options.split ?? 'train';
  const info = DATASETS[name];
  const files = info.files[split];
  const looked: string[] = [];

  const searched = candidates(name, options);
  for (const candidate of options.onlyDir && options.dir !== undefined ? searched.slice(0, 2) : searched) {
    const images = findFile(candidate.dir, files.images);
    const labels = findFile(candidate.dir, files.labels);
    if (images && labels) {
      return read(name, split, images, labels, { kind: candidate.kind, path: candidate.dir }, options.limit);
    }
    looked.push(`${candidate.kind}: ${candidate.dir}${images || labels ? ' (incomplete)' : ''}`);
  }
  if (options.dir !== undefined && options.onlyDir) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `${name} ${split}: ${options.dir} holds no ${files.images.file} + ${files.labels.file} (nor a ${name}/ folder with them); put the IDX files there, or leave the directory out to use the other places`,
      { details: { dir: options.dir, looked } },
    );
  }
  if (options.dir !== undefined) {
    getLogger().warn(`${name} ${split}: no ${files.images.file} + ${files.labels.file} in ${options.dir}`);
  }

  const allowDownload = options.allowDownload ?? defaultAllowDownload();
  const cache = cacheDirFor(name, options.cacheDir);
  if (allowDownload) {
    const mirror = options.mirror ?? info.mirror;
    const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
    try {
      for (const file of [files.images, files.labels]) {
        if (findFile(cache, file)) continue;
        getLogger().info(`downloading ${base}${file.file} into ${cache}`);
        await downloadVerified(`${base}${file.file}`, join(cache, file.file), {
          md5: file.md5,
          sha256: file.sha256,
          fetch: options.fetch,
          onProgress: options.onProgress,
        });
      }
      return read(
        name,
        split,
        join(cache, files.images.file),
        join(cache, files.labels.file),
        { kind: 'download', path: cache },
        options.limit,
      );
    } catch (error) {
      // A checksum or format failure is an error; an unreachable mirror falls through to the sample.
      if (!(DataError.isInstance(error) && error.code === 'DATA_NOT_FOUND')) throw error;
      looked.push(`download: ${base} (${error.message})`);
      getLogger().warn(error.message);
    }
  } else {
    looked.push('download: disabled (allowDownload is false, or CI/VITEST is set)');
  }

  if (options.allowSample ?? true) {
    const dir = sampleDir(name);
    const images = findFile(dir, files.images);
    const labels = findFile(dir, files.labels);
    if (images && labels) {
      getLogger().warn(
        `${name} ${split}: using the small sample shipped with @aekit/datasets (${dir}); ` +
          `for the full dataset set AEKIT_DATA_DIR, pass { dir }, or allow the download`,
      );
      return read(name, split, images, labels, { kind: 'sample', path: dir }, options.limit);
    }
    looked.push(`sample: ${dir}`);
  }

  throw new DataError(
    'DATA_NOT_FOUND',
    `${name} ${split} (${files.images.file}, ${files.labels.file}) not found. Looked in:\n  ` +
      `${looked.join('\n  ')}\n` +
      'Place the files in one of these directories, set AEKIT_DATA_DIR, or allow the download.',
    { details: { name, split, looked } },
  );
}

/** Loads both splits of a dataset with the same options. */
export async function loadDatasetPair(
  name: DatasetName,
  options: Omit<LoadDatasetOptions, 'split'> = {},
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const train = await loadDataset(name, { ...options, split: 'train' });
  const test = await loadDataset(name, { ...options, split: 'test' });
  return { train, test };
}

async function read(
  name: DatasetName,
  split: Split,
  imagesPath: string,
  labelsPath: string,
  source: DataSource,
  limit: number | undefined,
): Promise<ImageDataset> {
  const images = readIdx(new Uint8Array(await readFile(imagesPath)), imagesPath);
  const labels = readIdx(new Uint8Array(await readFile(labelsPath)), labelsPath);
  const [n, height, width] = images.dims;
  if (images.dims.length !== 3 || n === undefined || height === undefined || width === undefined) {
    throw new DataError(
      'DATA_INVALID',
      `${imagesPath}: expected image dims [count, height, width], got [${images.dims.join(', ')}]`,
      { details: { file: imagesPath, expected: 3, actual: images.dims } },
    );
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw new DataError(
      'DATA_INVALID',
      `${labelsPath}: expected label dims [${n}] to match ${n} images, got [${labels.dims.join(', ')}]`,
      { details: { file: labelsPath, expected: [n], actual: labels.dims } },
    );
  }
  const classNames = DATASETS[name].classNames;
  const count = Math.min(n, limit ?? n);
  const pixels = height * width;
  const out = new Float32Array(count * pixels);
  const bytes = images.data;
  for (let i = 0; i < out.length; i++) out[i] = bytes[i]! / 255;
  const labelData = labels.data.slice(0, count);
  for (let i = 0; i < count; i++) {
    if (labelData[i]! >= classNames.length) {
      throw new DataError(
        'DATA_INVALID',
        `${labelsPath}: label ${labelData[i]} at index ${i} is outside 0..${classNames.length - 1}`,
        { details: { file: labelsPath, index: i, expected: `< ${classNames.length}`, actual: labelData[i] } },
      );
    }
  }
  if (limit !== undefined && limit > n) {
    getLogger().warn(`${name} ${split}: asked for ${limit} samples, ${source.path} has only ${n}`);
  }
  infoOnce(
    `dataset:${name}:${split}:${source.kind}:${source.path}`,
    `${name} ${split}: ${count === n ? `${n} samples` : `${count} of ${n} samples`} from ${source.kind} (${source.path})`,
  );
  return {
    name,
    split,
    images: out,
    labels: labelData,
    count,
    sampleShape: [height, width, 1],
    classNames: [...classNames],
    source,
  };
}
