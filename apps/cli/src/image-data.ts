import { AekitError, DataError } from '@aekit/core';
import { defaultMaxImageBytes, formatBytes, loadImageFolder } from '@aekit/datasets';
import { getIo } from './io.js';
import { ProgressBar } from './progress-bar.js';
import type { ImageReadInfo, TableOptions, UserData } from './user-data-types.js';

/** Default `--image-size` and `--channels` of an image folder. */
export const DEFAULT_IMAGE_SIZE = [32, 32];
export const DEFAULT_CHANNELS = 3;

/**
 * Copies of the samples a training run holds at its peak (the folder as loaded, its train/test split, the scaled
 * split): the folder may take at most this share of `defaultMaxImageBytes()` (half of the machine's memory).
 */
export const RUN_COPIES = 3;

/** How an image folder was read: threads, seconds, and the files `--skip-bad` left out. */

/**
 * `--data <folder>`: every PNG/JPEG under it through `loadImageFolder` (decoded on every core, a progress bar
 * on a terminal), refused before decoding when its samples would not fit in memory, bad files an error naming
 * them unless `skipBad`.
 */
export async function readImages(file: string, options: TableOptions, flag: string): Promise<UserData> {
  const [height = 32, width = 32] = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const channels = options.channels === 1 ? 1 : 3;
  const bar = new ProgressBar(getIo());
  const maxBytes = options.maxBytes ?? Math.floor(defaultMaxImageBytes() / RUN_COPIES);
  const started = performance.now();
  bar.start();
  let folder: Awaited<ReturnType<typeof loadImageFolder>>;
  try {
    folder = await loadImageFolder(file, {
      size: [height, width],
      channels,
      maxBytes,
      ...(options.fit && { fit: options.fit }),
      ...(options.skipBad && { skipBad: true }),
      ...(options.maxImages !== undefined && { limit: options.maxImages }),
      onProgress: (p) => bar.updateTask(`decoding ${flag}`, p.done, p.total),
    });
  } catch (error) {
    if (AekitError.isInstance(error) && typeof error.details.maxBytes === 'number') {
      const { bytes, count } = error.details as { bytes: number; count: number };
      throw new DataError(
        'DATA_INVALID',
        `${flag} ${file}: ${count} images of ${height}x${width}x${channels} need ${formatBytes(bytes)} as float32, and a run holds ${RUN_COPIES} copies: more than the limit of ${formatBytes(maxBytes * RUN_COPIES)} (half of this machine's memory); pass --limit <n> or a smaller --image-size`,
        { cause: error, details: error.details },
      );
    }
    const bad = AekitError.isInstance(error) ? error.details.file : undefined;
    if (AekitError.isInstance(error) && !options.skipBad && bad !== undefined && bad !== file) {
      throw new DataError(
        error.code === 'DATA_NOT_FOUND' ? 'DATA_NOT_FOUND' : 'DATA_INVALID',
        error.message.includes('the skipBad option')
          ? error.message.replace('the skipBad option', '--skip-bad')
          : `${error.message} (or leave bad files out with --skip-bad)`,
        { cause: error, details: error.details },
      );
    }
    throw error;
  } finally {
    bar.clear();
  }
  const images: ImageReadInfo = {
    workers: folder.workers,
    seconds: (performance.now() - started) / 1000,
    skipped: folder.skipped,
  };
  const data: UserData = {
    kind: 'images',
    x: folder.images,
    sampleShape: folder.sampleShape,
    count: folder.count,
    file,
    images,
    ...(folder.labels && { labels: Float32Array.from(folder.labels) }),
  };
  folderFacts.set(data, { files: folder.files, ...(folder.classNames && { classNames: folder.classNames }) });
  return data;
}

/** What `readImages` knew of a folder beside its samples: each sample's file, the subfolders' class names. */
export interface ImageFolderFacts {
  /** Relative to the folder, one per sample in order. */
  files: string[];
  /** The subfolder names `labels` index (absent when the images sit in the folder itself). */
  classNames?: string[];
}
const folderFacts = new WeakMap<UserData, ImageFolderFacts>();

/** The files and class names of data `readImages` returned (undefined for other data, or a selection of it). */
export function imageFolderFacts(data: UserData): ImageFolderFacts | undefined {
  return folderFacts.get(data);
}
