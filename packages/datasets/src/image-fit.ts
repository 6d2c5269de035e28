import { OptionError } from '@aekit/core';

/**
 * How `fitImage` brings an image of any size to the sample size:
 * - `crop`: scaled so that it covers the target (aspect ratio kept), then centre-cropped (nothing is distorted,
 *   the borders of the longer side are lost);
 * - `resize`: both sides scaled to the target independently (the whole image kept, distorted when the aspect
 *   ratios differ);
 * - `pad`: scaled so that it fits inside the target (aspect ratio kept), centred, the rest filled with 0.
 */
export const FIT_POLICIES = ['crop', 'resize', 'pad'] as const;
export type FitPolicy = (typeof FIT_POLICIES)[number];
/** The default policy: scale to cover, centre crop. */
export const DEFAULT_FIT: FitPolicy = 'crop';

/**
 * Bilinear sampling of `data` (h x w x c, row-major) at the centres of a `height` x `width` grid laid over the
 * image scaled by `sy`, `sx` and shifted by `offY`, `offX` (in scaled pixels); edges clamped. Target pixels whose
 * centre falls outside the scaled image are 0 when `outside` is 'zero', the nearest edge otherwise.
 */
function sample(
  data: Float32Array,
  [h, w, c]: [number, number, number],
  [height, width]: [number, number],
  [sy, sx, offY, offX]: [number, number, number, number],
  outside: 'zero' | 'clamp',
): Float32Array {
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const py = y + 0.5 + offY;
    const inY = py >= 0 && py <= h * sy;
    const ty = Math.min(Math.max(py / sy - 0.5, 0), h - 1);
    const y0 = Math.floor(ty);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = ty - y0;
    for (let x = 0; x < width; x++) {
      const px = x + 0.5 + offX;
      if (outside === 'zero' && !(inY && px >= 0 && px <= w * sx)) continue;
      const tx = Math.min(Math.max(px / sx - 0.5, 0), w - 1);
      const x0 = Math.floor(tx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = tx - x0;
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
 * The image at `data` (h x w x c, row-major) brought to `height` x `width` by `fit` (see `FIT_POLICIES`);
 * bilinear sampling at pixel centres, edges clamped. A smaller image is enlarged the same way.
 */
export function fitImage(
  data: Float32Array,
  h: number,
  w: number,
  c: number,
  height: number,
  width: number,
  fit: FitPolicy = DEFAULT_FIT,
): Float32Array {
  const source: [number, number, number] = [h, w, c];
  const target: [number, number] = [height, width];
  switch (fit) {
    case 'resize':
      return sample(data, source, target, [height / h, width / w, 0, 0], 'clamp');
    case 'crop':
    case 'pad': {
      const s = fit === 'crop' ? Math.max(height / h, width / w) : Math.min(height / h, width / w);
      // The target grid centred on the scaled image (negative offsets: the image sits inside the grid).
      return sample(data, source, target, [s, s, (h * s - height) / 2, (w * s - width) / 2], 'zero');
    }
    default:
      throw new OptionError(`fitImage: fit must be one of ${FIT_POLICIES.join(', ')}, got "${String(fit)}"`, {
        details: { expected: FIT_POLICIES, actual: fit },
      });
  }
}

/** `fitImage` with `crop`: scaled to cover the target (aspect ratio kept), then centre-cropped. */
export function coverResize(
  data: Float32Array,
  h: number,
  w: number,
  c: number,
  height: number,
  width: number,
): Float32Array {
  return fitImage(data, h, w, c, height, width, 'crop');
}
