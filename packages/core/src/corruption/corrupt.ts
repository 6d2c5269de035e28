import { OptionError, SpecValidationError } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import { type Corruption, corruptionSchema } from '../spec/corruption.js';
import { batchCount } from '../tensor.js';
import { renderText, type TextBitmap } from './bitmap-font.js';

/** A corruption spec as written by a user: core's `Corruption` with its defaulted fields optional. */
export type CorruptionInput =
  | Extract<Corruption, { type: 'gaussian' | 'saltPepper' }>
  | (Omit<Extract<Corruption, { type: 'mask' }>, 'blockSize'> & { blockSize?: number })
  | (Omit<Extract<Corruption, { type: 'watermark' }>, 'text' | 'opacity'> & {
      text?: string;
      opacity?: number;
    });

/** Corrupts a batch of samples in place; values stay in [0, 1]. */
export type CorruptFn = (batch: Float32Array, rng: Rng) => void;

interface Geometry {
  height: number;
  width: number;
  channels: number;
  size: number;
}

function geometry(sampleShape: readonly number[]): Geometry {
  if (
    sampleShape.length < 1 ||
    sampleShape.length > 3 ||
    !sampleShape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new OptionError(
      `sampleShape must be [features], [height, width] or [height, width, channels] of positive integers, ` +
        `got [${sampleShape.join(', ')}]`,
      { details: { actual: sampleShape } },
    );
  }
  const [a, b, c] = sampleShape;
  const height = sampleShape.length === 1 ? 1 : a!;
  const width = sampleShape.length === 1 ? a! : b!;
  const channels = c ?? 1;
  return { height, width, channels, size: height * width * channels };
}

function parse(spec: CorruptionInput | Corruption): Corruption {
  const result = corruptionSchema.safeParse(spec);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({
      path: ['corruption', ...i.path].join('.'),
      message: i.message,
    }));
    throw new SpecValidationError(
      `invalid corruption: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data;
}

const clip01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Picks `k` distinct integers of `0..n-1` (partial Fisher-Yates over `scratch`). */
function pickDistinct(scratch: Uint32Array, n: number, k: number, rng: Rng): Uint32Array {
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = scratch[i]!;
    scratch[i] = scratch[j]!;
    scratch[j] = t;
  }
  return scratch.subarray(0, k);
}

function gaussian(std: number): CorruptFn {
  return (batch, rng) => {
    for (let i = 0; i < batch.length; i++) batch[i] = clip01(batch[i]! + std * rng.normal());
  };
}

function saltPepper(amount: number): CorruptFn {
  return (batch, rng) => {
    for (let i = 0; i < batch.length; i++) {
      if (rng.next() < amount) batch[i] = rng.next() < 0.5 ? 0 : 1;
    }
  };
}

/** Zeroes exactly round(fraction * blocks) blockSize x blockSize blocks (all channels) of each sample. */
function mask(fraction: number, blockSize: number, g: Geometry): CorruptFn {
  const rows = Math.ceil(g.height / blockSize);
  const cols = Math.ceil(g.width / blockSize);
  const blocks = rows * cols;
  const k = Math.round(fraction * blocks);
  const scratch = new Uint32Array(blocks);
  return (batch, rng) => {
    const n = batchCount(batch, [g.size], 'corruption input');
    for (let s = 0; s < n; s++) {
      const base = s * g.size;
      for (const block of pickDistinct(scratch, blocks, k, rng)) {
        const y0 = Math.floor(block / cols) * blockSize;
        const x0 = (block % cols) * blockSize;
        for (let y = y0; y < Math.min(y0 + blockSize, g.height); y++) {
          const start = base + (y * g.width + x0) * g.channels;
          const end = base + (y * g.width + Math.min(x0 + blockSize, g.width)) * g.channels;
          batch.fill(0, start, end);
        }
      }
    }
  };
}

/**
 * Draws `text` into each sample at a random integer scale and a random position where it fits whole, blended
 * with `opacity` towards white where the covered area is dark (mean < 0.5) and towards black otherwise, so the
 * mark is visible on any background.
 */
function watermark(text: string, opacity: number, g: Geometry): CorruptFn {
  const bitmap: TextBitmap = renderText(text);
  const maxScale = Math.min(Math.floor(g.width / bitmap.width), Math.floor(g.height / bitmap.height));
  if (maxScale < 1) {
    throw new OptionError(
      `watermark text "${text}" is ${bitmap.width}x${bitmap.height} pixels at the smallest scale, larger than the ` +
        `${g.width}x${g.height} image; use at most ${Math.floor((g.width + 1) / 4)} characters`,
      { details: { expected: `<= ${g.width}x${g.height}`, actual: `${bitmap.width}x${bitmap.height}` } },
    );
  }
  return (batch, rng) => {
    const n = batchCount(batch, [g.size], 'corruption input');
    for (let s = 0; s < n; s++) {
      const base = s * g.size;
      const scale = 1 + rng.int(maxScale);
      const w = bitmap.width * scale;
      const h = bitmap.height * scale;
      const x0 = rng.int(g.width - w + 1);
      const y0 = rng.int(g.height - h + 1);
      let sum = 0;
      for (let y = y0; y < y0 + h; y++) {
        for (
          let i = base + (y * g.width + x0) * g.channels;
          i < base + (y * g.width + x0 + w) * g.channels;
          i++
        ) {
          sum += batch[i]!;
        }
      }
      const inkValue = sum / (w * h * g.channels) < 0.5 ? 1 : 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (!bitmap.ink[Math.floor(y / scale) * bitmap.width + Math.floor(x / scale)]) continue;
          const p = base + ((y0 + y) * g.width + x0 + x) * g.channels;
          for (let c = 0; c < g.channels; c++) {
            batch[p + c] = clip01(batch[p + c]! * (1 - opacity) + inkValue * opacity);
          }
        }
      }
    }
  };
}

/**
 * Builds the in-place corruption described by `spec` (core's `Corruption`) for samples of `sampleShape`
 * (`[features]`, `[height, width]` or `[height, width, channels]`, NHWC). The returned function corrupts a
 * flat batch of whole samples using `rng`, keeping values in [0, 1]:
 * - gaussian: x + N(0, std^2), clipped;
 * - saltPepper: each value, with probability `amount`, set to 0 or 1 with equal chance;
 * - mask: exactly round(fraction * blocks) of the blockSize x blockSize blocks of each sample set to 0;
 * - watermark: `text` drawn with a built-in 3x5 bitmap font at a random scale and position per sample,
 *   blended with `opacity`.
 */
export function createCorruption(
  spec: CorruptionInput | Corruption,
  sampleShape: readonly number[],
): CorruptFn {
  const c = parse(spec);
  const g = geometry(sampleShape);
  let fn: CorruptFn;
  switch (c.type) {
    case 'gaussian':
      fn = gaussian(c.std);
      break;
    case 'saltPepper':
      fn = saltPepper(c.amount);
      break;
    case 'mask':
      fn = mask(c.fraction, c.blockSize, g);
      break;
    case 'watermark':
      if (sampleShape.length === 1) {
        throw new OptionError(
          'a watermark needs 2-D samples ([height, width] or [height, width, channels])',
          {
            details: { actual: sampleShape },
          },
        );
      }
      fn = watermark(c.text, c.opacity, g);
      break;
  }
  return (batch, rng) => {
    batchCount(batch, [g.size], 'corruption input');
    fn(batch, rng);
  };
}

/** A corrupted copy of `images` (the input is not changed), reproducible from `seed`. */
export function corrupt(
  images: Float32Array,
  sampleShape: readonly number[],
  spec: CorruptionInput | Corruption,
  seed: number,
): Float32Array {
  const out = images.slice();
  createCorruption(spec, sampleShape)(out, createRng(seed));
  return out;
}
