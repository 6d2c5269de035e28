import { OptionError, ShapeMismatchError } from '@aekit/core';
import { encodePng } from './encode-png.js';

export interface ImageGridOptions {
  /** Samples per grid line; a row with more samples wraps onto further lines. Default: the longest row. */
  columns?: number;
  /** Each sample pixel becomes a `scale` x `scale` block. Default 2. */
  scale?: number;
  /** Pixels of background between samples and around the grid (in output pixels). Default 2. */
  gap?: number;
  /** Background intensity in [0, 1]. Default 1 (white). */
  background?: number;
}

/** The pixels of an image grid before PNG encoding. */
export interface GridPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

function toByte(value: number): number {
  if (!(value > 0)) return 0; // NaN and negatives
  if (value >= 1) return 255;
  return Math.round(value * 255);
}

function checkPositiveInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`imageGrid: ${name} must be an integer >= ${min}, got ${value}`, {
      details: { expected: `integer >= ${min}`, actual: value },
    });
  }
}

/**
 * Lays out rows of samples as a picture: `rows[r]` holds stacked samples of `sampleShape` ([h, w, c] with c = 1
 * gray or 3 RGB, or [h, w] gray), values in [0, 1] (clamped). Row r's samples sit side by side, rows below each
 * other (e.g. originals above their reconstructions).
 */
export function imageGridPixels(
  rows: readonly Float32Array[],
  sampleShape: readonly number[],
  options: ImageGridOptions = {},
): GridPixels {
  const [h = 0, w = 0, c = 1] = sampleShape;
  if (sampleShape.length < 2 || sampleShape.length > 3 || h < 1 || w < 1 || (c !== 1 && c !== 3)) {
    throw new ShapeMismatchError(
      `imageGrid: sampleShape must be [height, width] or [height, width, 1 | 3], got [${sampleShape.join(', ')}]`,
      '[h, w, 1 | 3]',
      [...sampleShape],
    );
  }
  const size = h * w * c;
  const counts = rows.map((row, r) => {
    if (row.length % size !== 0) {
      throw new ShapeMismatchError(
        `imageGrid: row ${r} has ${row.length} values, not a whole number of samples of ${size} ([${sampleShape.join(', ')}])`,
        `multiple of ${size}`,
        row.length,
      );
    }
    return row.length / size;
  });
  const columns = options.columns ?? Math.max(1, ...counts);
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  checkPositiveInt('columns', columns, 1);
  checkPositiveInt('scale', scale, 1);
  checkPositiveInt('gap', gap, 0);
  const lines = counts.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / columns)), 0);
  if (lines === 0) {
    throw new ShapeMismatchError('imageGrid: no rows to draw; pass at least one row', '>= 1 row', 0);
  }
  const cellW = w * scale;
  const cellH = h * scale;
  const width = gap + columns * (cellW + gap);
  const height = gap + lines * (cellH + gap);
  const pixels = new Uint8Array(width * height * c).fill(toByte(options.background ?? 1));
  let line = 0;
  rows.forEach((row, r) => {
    const n = counts[r]!;
    for (let s = 0; s < n; s++) {
      const top = gap + (line + Math.floor(s / columns)) * (cellH + gap);
      const left = gap + (s % columns) * (cellW + gap);
      const base = s * size;
      for (let y = 0; y < cellH; y++) {
        const sy = Math.floor(y / scale);
        let out = ((top + y) * width + left) * c;
        for (let x = 0; x < cellW; x++) {
          const src = base + (sy * w + Math.floor(x / scale)) * c;
          for (let k = 0; k < c; k++) pixels[out++] = toByte(row[src + k]!);
        }
      }
    }
    line += Math.max(1, Math.ceil(n / columns));
  });
  return { width, height, channels: c, pixels };
}

/** `imageGridPixels` encoded as PNG bytes (grayscale or RGB as the samples). */
export function imageGrid(
  rows: readonly Float32Array[],
  sampleShape: readonly number[],
  options: ImageGridOptions = {},
): Uint8Array {
  const grid = imageGridPixels(rows, sampleShape, options);
  return encodePng(grid.pixels, grid.width, grid.height);
}
