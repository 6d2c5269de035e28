import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { DataError, OptionError } from '@aekit/core';
import { imageChannels, readImageFile } from './image-decode.js';
import { DEFAULT_FIT, FIT_POLICIES, type FitPolicy, fitImage } from './image-fit.js';

/** Extensions `loadImageFolder` reads (case-insensitive); files starting with '.' are ignored. */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

export interface ImageFolderOptions {
  /** Height and width of every sample. */
  size: [number, number];
  /** 1: BT.601 grey, 3: RGB (grey repeated); alpha dropped. */
  channels: 1 | 3;
  /** How an image of another size or aspect is brought to `size` (`FIT_POLICIES`). Default 'crop'. */
  fit?: FitPolicy;
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
 * 'crop': scale to cover, centre crop). Images inside subfolders get their first subfolder's name as class label. A file that is not
 * a PNG/JPEG, or a corrupt or truncated one, is a DataError naming it; the folder is held in memory whole.
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
  let paths: string[];
  try {
    paths = await walk(dir);
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `${dir}: cannot read the folder (${(cause as Error).message})`, {
      cause,
      details: { file: dir },
    });
  }
  const other = paths.find((p) => !IMAGE_FILE_EXTENSIONS.includes(extname(p).toLowerCase()));
  if (other !== undefined) {
    throw new DataError(
      'DATA_INVALID',
      `${other}: not a PNG or JPEG file (in the image folder ${dir}); move it out of the folder`,
      { details: { file: other } },
    );
  }
  if (paths.length === 0) {
    throw new DataError(
      'DATA_INVALID',
      `${dir}: no PNG or JPEG files in it (or its subfolders); add images`,
      {
        details: { file: dir },
      },
    );
  }
  const per = height * width * c;
  const images = new Float32Array(paths.length * per);
  for (const [i, path] of paths.entries()) {
    const image = await readImageFile(path);
    const samples = imageChannels(image, c);
    images.set(fitImage(samples, image.height, image.width, c, height, width, fit), i * per);
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
    ...(classNames && {
      classNames,
      labels: Uint32Array.from(files, (f) => classNames.indexOf(classOf(f))),
    }),
  };
}
