import { type Autoencoder, OptionError } from '@aekit/core';
import { encode as encodePng } from 'fast-png';
import { mean, sampleCount } from '../internal/check.js';
import { MODEL_FIX, requireFinite } from '../internal/finite.js';
import { encodeAll } from '../latent/encode.js';
import { roundTripFloat16 } from './float16.js';
import { psnrPer } from './image-metrics.js';
import type { ImageShape } from './ssim.js';

export interface RateQualityRow {
  /** `latent float32`, `latent float16`, `latent uint8`, `PNG 8-bit` */
  format: string;
  /** Mean stored bytes per image (uint8 includes its per-dimension min/scale table amortised over the set). */
  bytesPerImage: number;
  /** Mean PSNR (dB, data range 1) of the decoded image against the original; Infinity if lossless. */
  psnr: number;
}

/** 8-bit quantisation of each latent dimension over [min, max] of the set; returns the dequantised values. */
export function quantizeUint8(latents: Float32Array, dim: number): Float32Array {
  const n = sampleCount(latents, dim, 'quantizeUint8');
  requireFinite(latents, 'quantizeUint8 latents', { sampleSize: dim });
  const lo = new Float64Array(dim).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(dim).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = latents[i * dim + j] as number;
      lo[j] = Math.min(lo[j] as number, v);
      hi[j] = Math.max(hi[j] as number, v);
    }
  }
  return Float32Array.from(latents, (v, i) => {
    const j = i % dim;
    const scale = ((hi[j] as number) - (lo[j] as number)) / 255 || 1;
    return (lo[j] as number) + Math.round((v - (lo[j] as number)) / scale) * scale;
  });
}

/** Mean PNG size (8-bit, lossless) of the images, and the PSNR of their 8-bit quantisation. */
export function pngRate(images: Float32Array, shape: ImageShape): RateQualityRow {
  const [h, w, c] = shape;
  if (c !== 1 && c !== 3 && c !== 4) {
    throw new OptionError(`pngRate: PNG holds 1, 3 or 4 channels, got ${c}.`);
  }
  const size = h * w * c;
  const n = sampleCount(images, size, 'pngRate');
  requireFinite(images, 'pngRate images', { sampleSize: size });
  let bytes = 0;
  const quantised = new Float32Array(images.length);
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      const v = Math.round(Math.min(1, Math.max(0, images[i * size + j] as number)) * 255);
      data[j] = v;
      quantised[i * size + j] = v / 255;
    }
    bytes += encodePng({ width: w, height: h, channels: c, depth: 8, data }).byteLength;
  }
  return { format: 'PNG 8-bit', bytesPerImage: bytes / n, psnr: mean(psnrPer(images, quantised, size)) };
}

/**
 * Rate/quality table of an autoencoder used as a codec: bytes per image for the latent stored as float32,
 * float16 and 8-bit quantised, each with the PSNR of its decoded image, against PNG of the same images.
 */
export async function rateQualityTable(
  model: Pick<Autoencoder, 'encode' | 'decode'>,
  images: Float32Array,
  shape: ImageShape,
): Promise<RateQualityRow[]> {
  const size = shape[0] * shape[1] * shape[2];
  const n = sampleCount(images, size, 'rateQualityTable');
  requireFinite(images, 'rateQualityTable images', { sampleSize: size });
  const z = await encodeAll(model, images, size);
  const dim = z.length / n;
  const decodeAll = async (codes: Float32Array): Promise<Float32Array> => {
    const out = new Float32Array(images.length);
    for (let s = 0; s < n; s += 256) {
      const e = Math.min(n, s + 256);
      const decoded = await model.decode(codes.subarray(s * dim, e * dim));
      requireFinite(decoded, `rateQualityTable: the model's decoded images ${s} to ${e - 1}`, {
        sampleSize: size,
        offset: s * size,
        fix: MODEL_FIX,
      });
      out.set(decoded, s * size);
    }
    return out;
  };
  const rows: RateQualityRow[] = [];
  const variants: [string, Float32Array, number][] = [
    ['latent float32', z, dim * 4],
    ['latent float16', roundTripFloat16(z), dim * 2],
    ['latent uint8', quantizeUint8(z, dim), dim + (dim * 8) / n],
  ];
  for (const [format, codes, bytes] of variants) {
    rows.push({ format, bytesPerImage: bytes, psnr: mean(psnrPer(images, await decodeAll(codes), size)) });
  }
  rows.push(pngRate(images, shape));
  return rows;
}
