import { OptionError } from '@aekit/core';

/** How `upscale` fills in the new pixels. */
export type UpscaleMethod = 'nearest' | 'bicubic';

function checkImages(what: string, images: Float32Array, sampleShape: readonly number[], factor: number) {
  const [h = 0, w = 0, c = 1] = sampleShape;
  if (
    sampleShape.length < 2 ||
    sampleShape.length > 3 ||
    ![h, w, c].every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new OptionError(
      `${what}: sampleShape must be [height, width] or [height, width, channels], got [${sampleShape.join(', ')}]`,
      {
        details: { expected: '[h, w, c]', actual: [...sampleShape] },
      },
    );
  }
  if (!Number.isInteger(factor) || factor < 1) {
    throw new OptionError(`${what}: factor must be a positive integer, got ${factor}`, {
      details: { expected: 'positive integer', actual: factor },
    });
  }
  if (images.length % (h * w * c) !== 0) {
    throw new OptionError(
      `${what}: ${images.length} values is not a whole number of [${h}, ${w}, ${c}] samples`,
      {
        details: { expected: `multiple of ${h * w * c}`, actual: images.length },
      },
    );
  }
  return { h, w, c, n: images.length / (h * w * c) };
}

/**
 * Shrinks stacked NHWC images by an integer `factor`, each output pixel the mean of a `factor` x `factor`
 * block (area averaging, as 2x2 average pooling): the low-resolution input of super-resolution.
 */
export function downscale(
  images: Float32Array,
  sampleShape: readonly number[],
  factor: number,
): Float32Array {
  const { h, w, c, n } = checkImages('downscale', images, sampleShape, factor);
  if (h % factor !== 0 || w % factor !== 0) {
    throw new OptionError(`downscale: ${h}x${w} images are not divisible by the factor ${factor}`, {
      details: { expected: `height and width divisible by ${factor}`, actual: [h, w] },
    });
  }
  const oh = h / factor;
  const ow = w / factor;
  const out = new Float32Array(n * oh * ow * c);
  const scale = 1 / (factor * factor);
  for (let s = 0; s < n; s++) {
    const src = s * h * w * c;
    const dst = s * oh * ow * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = dst + (Math.floor(y / factor) * ow + Math.floor(x / factor)) * c;
        const i = src + (y * w + x) * c;
        for (let k = 0; k < c; k++) out[o + k]! += images[i + k]! * scale;
      }
    }
  }
  return out;
}

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom; what PIL's bicubic uses). */
function cubic(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return 1.5 * x ** 3 - 2.5 * x ** 2 + 1;
  if (x < 2) return -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2;
  return 0;
}

/** For each output coordinate, the 4 source indices (clamped to the edge) and their bicubic weights. */
function cubicTaps(size: number, factor: number): { index: Int32Array; weight: Float32Array } {
  const out = size * factor;
  const index = new Int32Array(out * 4);
  const weight = new Float32Array(out * 4);
  for (let o = 0; o < out; o++) {
    const centre = (o + 0.5) / factor - 0.5; // pixel centres aligned, as PIL and OpenCV
    const first = Math.floor(centre) - 1;
    for (let t = 0; t < 4; t++) {
      index[o * 4 + t] = Math.min(size - 1, Math.max(0, first + t));
      weight[o * 4 + t] = cubic(centre - (first + t));
    }
  }
  return { index, weight };
}

/**
 * Enlarges stacked NHWC images by an integer `factor`: 'nearest' repeats each pixel, 'bicubic' interpolates
 * with the Catmull-Rom kernel (edges clamped, results clipped to [0, 1]). The classic baselines of
 * super-resolution.
 */
export function upscale(
  images: Float32Array,
  sampleShape: readonly number[],
  factor: number,
  method: UpscaleMethod = 'bicubic',
): Float32Array {
  const { h, w, c, n } = checkImages('upscale', images, sampleShape, factor);
  const oh = h * factor;
  const ow = w * factor;
  const out = new Float32Array(n * oh * ow * c);
  const rows = cubicTaps(h, factor);
  const cols = cubicTaps(w, factor);
  for (let s = 0; s < n; s++) {
    const src = s * h * w * c;
    const dst = s * oh * ow * c;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const o = dst + (y * ow + x) * c;
        for (let k = 0; k < c; k++) {
          if (method === 'nearest') {
            out[o + k] = images[src + (Math.floor(y / factor) * w + Math.floor(x / factor)) * c + k]!;
            continue;
          }
          let v = 0;
          for (let i = 0; i < 4; i++) {
            const row = src + rows.index[y * 4 + i]! * w * c + k;
            let r = 0;
            for (let j = 0; j < 4; j++)
              r += cols.weight[x * 4 + j]! * images[row + cols.index[x * 4 + j]! * c]!;
            v += rows.weight[y * 4 + i]! * r;
          }
          out[o + k] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return out;
}
