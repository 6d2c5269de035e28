import { OptionError } from '@aekit/core';
import { checkPair } from './image-metrics.js';

/** [height, width, channels] of one image (NHWC, channels last). */
export type ImageShape = readonly [number, number, number];

export interface SsimOptions {
  /** Value range of the data (max - min). Default 1. */
  dataRange?: number;
  /** Gaussian window standard deviation. Default 1.5 (an 11x11 window with truncate 3.5). */
  sigma?: number;
  k1?: number;
  k2?: number;
}

const TRUNCATE = 3.5;

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(TRUNCATE * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + radius] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) / s;
  return k;
}

/** Index into [0, n) with half-sample symmetric reflection (scipy.ndimage mode 'reflect': d c b a | a b c d). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** Separable Gaussian filter of a h x w plane, as scipy.ndimage.gaussian_filter(mode='reflect'). */
function gaussianFilter(src: Float64Array, h: number, w: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(h * w);
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++)
        s += (kernel[k + r] as number) * (src[y * w + reflect(x + k, w)] as number);
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++)
        s += (kernel[k + r] as number) * (tmp[reflect(y + k, h) * w + x] as number);
      out[y * w + x] = s;
    }
  }
  return out;
}

/**
 * Per-image structural similarity (Wang et al. 2004) with a Gaussian window, computed as scikit-image's
 * `structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)`:
 * the SSIM map is averaged over the pixels at least a window radius from the border, then over channels.
 */
export function ssimPer(
  target: Float32Array,
  prediction: Float32Array,
  shape: ImageShape,
  options: SsimOptions = {},
): Float64Array {
  const [h, w, c] = shape;
  const { dataRange = 1, sigma = 1.5, k1 = 0.01, k2 = 0.03 } = options;
  const n = checkPair(target, prediction, h * w * c, 'ssim');
  const kernel = gaussianKernel(sigma);
  const pad = (kernel.length - 1) / 2;
  if (h <= 2 * pad || w <= 2 * pad) {
    throw new OptionError(
      `ssim: images of ${h}x${w} are too small for a ${kernel.length}x${kernel.length} window; use images of at least ${2 * pad + 1}x${2 * pad + 1} or a smaller sigma.`,
    );
  }
  const c1 = (k1 * dataRange) ** 2;
  const c2 = (k2 * dataRange) ** 2;
  const plane = h * w;
  const out = new Float64Array(n);
  const xs = new Float64Array(plane);
  const ys = new Float64Array(plane);
  const xx = new Float64Array(plane);
  const yy = new Float64Array(plane);
  const xy = new Float64Array(plane);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < plane; p++) {
        const a = target[(i * plane + p) * c + ch] as number;
        const b = prediction[(i * plane + p) * c + ch] as number;
        xs[p] = a;
        ys[p] = b;
        xx[p] = a * a;
        yy[p] = b * b;
        xy[p] = a * b;
      }
      const ux = gaussianFilter(xs, h, w, kernel);
      const uy = gaussianFilter(ys, h, w, kernel);
      const uxx = gaussianFilter(xx, h, w, kernel);
      const uyy = gaussianFilter(yy, h, w, kernel);
      const uxy = gaussianFilter(xy, h, w, kernel);
      let s = 0;
      for (let y = pad; y < h - pad; y++) {
        for (let x = pad; x < w - pad; x++) {
          const q = y * w + x;
          const mx = ux[q] as number;
          const my = uy[q] as number;
          const vx = (uxx[q] as number) - mx * mx;
          const vy = (uyy[q] as number) - my * my;
          const vxy = (uxy[q] as number) - mx * my;
          s += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        }
      }
      total += s / ((h - 2 * pad) * (w - 2 * pad));
    }
    out[i] = total / c;
  }
  return out;
}
