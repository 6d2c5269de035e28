import { readdir } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import { DataError, OptionError } from '@aekit/core';
import { type DecodeImageFilesOptions, decodeImageFiles } from './image-decode-pool.js';
import { DEFAULT_FIT, FIT_POLICIES } from './image-fit.js';

/** Extensions `loadImageFolder` reads (case-insensitive); files starting with '.' are ignored. */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

export interface ImageFolderOptions extends Omit<DecodeImageFilesOptions, 'keepGoing' | 'maxPixels'> {
  /**
   * Skip files that cannot be read as images (not a PNG/JPEG, corrupt, truncated) and list them in `skipped`,
   * instead of refusing the folder at the first one (the default).
   */
  skipBad?: boolean;
  /**
   * The most bytes the samples may take as float32 [n, H, W, C]; a larger folder is refused before anything is
   * decoded, with the size it would need. Default: half of `os.totalmem()`.
   */
  maxBytes?: number;
  /** Read at most this many images, evenly spaced over the sorted files (so every subfolder keeps its share). */
  limit?: number;
}

/** A file of the folder that was left out (`skipBad`), and why. */
export interface SkippedImage {
  /** Relative to the root. */
  file: string;
  reason: string;
}

/** The images of a folder as samples, NHWC in [0, 1], with their class labels when they sit in subfolders. */
export interface ImageFolder {
  images: Float32Array;
  sampleShape: [number, number, number];
  count: number;
  /** Index into `classNames` per image: its first subfolder under the root (absent when images sit in the root). */
  labels?: Uint32Array;
  classNames?: string[];
  /** Each sample's file, relative to the root. */
  files: string[];
  /** Files left out by `skipBad`, in file order (empty without it). */
  skipped: SkippedImage[];
  /** Threads that decoded. */
  workers: number;
}

/** `bytes` for a message: 1.5 GB, 320 MB, 12 kB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/** Default `maxBytes`: half of the machine's memory. */
export function defaultMaxImageBytes(): number {
  return Math.floor(totalmem() / 2);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

/**
 * Reads every PNG/JPEG under `dir` (recursively, in sorted order) as one [n, height, width, channels] array:
 * each image converted to `channels` (`imageChannels`) and brought to `size` by `fitImage` with `fit` (default
 * 'crop': scale to cover, centre crop), decoded on `workers` threads (`decodeImageFiles`) with `onProgress`.
 * Images inside subfolders get their first subfolder's name as class label.
 *
 * The folder is held in memory whole: when its samples would take more than `maxBytes` as float32, it is refused
 * (DataError) before anything is decoded, with the size it needs. A file that is not a PNG/JPEG, or a corrupt or
 * truncated one, is a DataError naming it, unless `skipBad` leaves it out and lists it in `skipped`.
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
  const [height, width] = options.size;
  const c = options.channels;
  const fit = options.fit ?? DEFAULT_FIT;
  if (![height, width].every((v) => Number.isInteger(v) && v > 0) || (c !== 1 && c !== 3)) {
    throw new OptionError(
      `loadImageFolder: size must be two positive integers and channels 1 or 3, got ${options.size.join('x')} and ${c}`,
    );
  }
  if (!FIT_POLICIES.includes(fit)) {
    throw new OptionError(`loadImageFolder: fit must be one of ${FIT_POLICIES.join(', ')}, got "${fit}"`, {
      details: { expected: FIT_POLICIES, actual: fit },
    });
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    throw new OptionError(`loadImageFolder: limit must be a positive integer, got ${options.limit}`, {
      details: { option: 'limit', actual: options.limit },
    });
  }
  let all: string[];
  try {
    all = await walk(dir);
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `${dir}: cannot read the folder (${(cause as Error).message})`, {
      cause,
      details: { file: dir },
    });
  }
  const skipped: SkippedImage[] = [];
  const isImage = (p: string) => IMAGE_FILE_EXTENSIONS.includes(extname(p).toLowerCase());
  const other = all.find((p) => !isImage(p));
  if (other !== undefined && !options.skipBad) {
    throw new DataError(
      'DATA_INVALID',
      `${other}: not a PNG or JPEG file (in the image folder ${dir}); move it out of the folder (or leave bad files out with the skipBad option)`,
      { details: { file: other } },
    );
  }
  for (const p of all)
    if (!isImage(p)) skipped.push({ file: relative(dir, p), reason: 'not a PNG or JPEG file' });
  let paths = all.filter(isImage);
  if (paths.length === 0) {
    throw new DataError(
      'DATA_INVALID',
      `${dir}: no PNG or JPEG files in it (or its subfolders); add images`,
      {
        details: { file: dir },
      },
    );
  }
  if (options.limit !== undefined && options.limit < paths.length) {
    const step = paths.length / options.limit;
    paths = Array.from({ length: options.limit }, (_, k) => paths[Math.floor(k * step)]!);
  }
  const per = height * width * c;
  const bytes = paths.length * per * 4;
  const maxBytes = options.maxBytes ?? defaultMaxImageBytes();
  if (bytes > maxBytes) {
    throw new DataError(
      'DATA_INVALID',
      `${dir}: ${paths.length} images of ${height}x${width}x${c} need ${formatBytes(bytes)} as float32, more than the limit of ${formatBytes(maxBytes)}; read fewer of them (the limit option) or pass a smaller size`,
      { details: { file: dir, bytes, maxBytes, count: paths.length } },
    );
  }
  const decoded = await decodeImageFiles(paths, {
    size: [height, width],
    channels: c,
    fit,
    keepGoing: options.skipBad === true,
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  let images = decoded.images;
  if (decoded.bad.length > 0) {
    for (const b of decoded.bad) {
      skipped.push({ file: relative(dir, b.file), reason: b.message.replace(`${b.file}: `, '') });
    }
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const badIndex = new Set(decoded.bad.map((b) => b.index));
    let kept = 0;
    for (let i = 0; i < paths.length; i++) {
      if (badIndex.has(i)) continue;
      if (kept !== i) images.copyWithin(kept * per, i * per, (i + 1) * per);
      kept++;
    }
    images = images.subarray(0, kept * per);
    paths = paths.filter((_, i) => !badIndex.has(i));
    if (kept === 0) {
      throw new DataError(
        'DATA_INVALID',
        `${dir}: none of its ${decoded.bad.length} image files could be read (the first: ${decoded.bad[0]!.message}); fix or replace them`,
        { details: { file: dir } },
      );
    }
  }
  const files = paths.map((p) => relative(dir, p));
  const nested = files.every((f) => f.includes(sep));
  const classOf = (f: string) => f.split(sep)[0]!;
  const classNames = nested ? [...new Set(files.map(classOf))] : undefined;
  return {
    images,
    sampleShape: [height, width, c],
    count: paths.length,
    files,
    skipped,
    workers: decoded.workers,
    ...(classNames && {
      classNames,
      labels: Uint32Array.from(files, (f) => classNames.indexOf(classOf(f))),
    }),
  };
}
