import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { DataError, OptionError } from '@aekit/core';
import { imageChannels, readImageFile } from './image-decode.js';

/** Extensions `loadImageFolder` reads (case-insensitive); files starting with '.' are ignored. */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

export interface ImageFolderOptions {
  /** Height and width of every sample. */
  size: [number, number];
  /** 1: BT.601 grey, 3: RGB (grey repeated); alpha dropped. */
  channels: 1 | 3;
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
 * The image at `data` (h x w x c, row-major) brought to `height` x `width`: scaled so that it covers the target
 * (the shorter side fits, aspect ratio kept), then centre-cropped; bilinear sampling at pixel centres, edges
 * clamped. A smaller image is enlarged the same way.
 */
export function coverResize(
  data: Float32Array,
  h: number,
  w: number,
  c: number,
  height: number,
  width: number,
): Float32Array {
  const s = Math.max(height / h, width / w);
  // Source coordinates of target pixel centres, the crop centred in the scaled image.
  const offY = (h * s - height) / 2;
  const offX = (w * s - width) / 2;
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max((y + 0.5 + offY) / s - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max((x + 0.5 + offX) / s - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      for (let k = 0; k < c; k++) {
        const a = data[(y0 * w + x0) * c + k]!;
        const b = data[(y0 * w + x1) * c + k]!;
        const d = data[(y1 * w + x0) * c + k]!;
        const e = data[(y1 * w + x1) * c + k]!;
        out[(y * width + x) * c + k] = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
      }
    }
  }
  return out;
}

/**
 * Reads every PNG/JPEG under `dir` (recursively, in sorted order) as one [n, height, width, channels] array:
 * each image converted to `channels` (`imageChannels`) and brought to `size` by `coverResize` (scale to cover,
 * centre crop). Images inside subfolders get their first subfolder's name as class label. A file that is not
 * a PNG/JPEG, or a corrupt or truncated one, is a DataError naming it; the folder is held in memory whole.
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
  const [height, width] = options.size;
  const c = options.channels;
  if (![height, width].every((v) => Number.isInteger(v) && v > 0) || (c !== 1 && c !== 3)) {
    throw new OptionError(
      `loadImageFolder: size must be two positive integers and channels 1 or 3, got ${options.size.join('x')} and ${c}`,
    );
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
    images.set(coverResize(samples, image.height, image.width, c, height, width), i * per);
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
