/** Converts user images (uploads of any size, the drawing pad) into one model input: h*w floats in [0, 1]. */

/** Largest side an upload is decoded at before it is fitted into the model's input (keeps big files cheap). */
const DECODE_SIDE = 112;

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2-D canvas context unavailable');
  return ctx;
}

/**
 * Reads pixels as grayscale in [0, 1], white strokes on black like (Fashion-)MNIST: an image with a light
 * background (mean above 0.5) is inverted. Transparent pixels count as background.
 */
export function toGrayscale(rgba: Uint8ClampedArray, invertLight = true): Float32Array {
  const n = rgba.length / 4;
  const out = new Float32Array(n);
  let sum = 0;
  let opaque = 0;
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3]! / 255;
    const y = (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255;
    out[i] = y * a;
    if (a > 0.5) {
      sum += y;
      opaque++;
    }
  }
  if (invertLight && opaque > 0 && sum / opaque > 0.5) {
    for (let i = 0; i < n; i++) out[i] = rgba[4 * i + 3]! > 127 ? 1 - out[i]! : 0;
  }
  return out;
}

/** Inclusive pixel box of an object in an image. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Median of a list of numbers (0 for none). */
function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Values below this (after normalising) are background: removes shading, paper texture and JPEG noise. */
const BACKGROUND_FLOOR = 0.15;

/**
 * A photo of one object as a (Fashion-)MNIST-like picture: bright object on an exactly black background.
 * The background's brightness is the median of the opaque border pixels; a light background (dark object
 * on paper or a wall) is inverted; the distance from the background is scaled so the object's bright end
 * (99th percentile) is 1, and what stays below 0.15 becomes 0. Transparent pixels are background.
 */
export function normaliseBackground(rgba: Uint8ClampedArray, width: number, height: number): Float32Array {
  const n = width * height;
  const luma = new Float32Array(n);
  const alpha = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    luma[i] = (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255;
    alpha[i] = rgba[4 * i + 3]! / 255;
  }
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y > 0 && y < height - 1 && x > 0 && x < width - 1) continue;
      const i = y * width + x;
      if (alpha[i]! > 0.5) border.push(luma[i]!);
    }
  }
  const out = new Float32Array(n);
  if (border.length === 0) {
    // A cut-out on a transparent background: the opaque part is the object, dark ones inverted.
    let sum = 0;
    let weight = 0;
    for (let i = 0; i < n; i++) {
      sum += luma[i]! * alpha[i]!;
      weight += alpha[i]!;
    }
    const dark = weight > 0 && sum / weight < 0.5;
    for (let i = 0; i < n; i++) out[i] = alpha[i]! * (dark ? 1 - luma[i]! : luma[i]!);
    return out;
  }
  const background = median(border);
  const light = background > 0.5;
  for (let i = 0; i < n; i++) {
    const v = alpha[i]! * (luma[i]! - background) * (light ? -1 : 1);
    out[i] = Math.max(0, v);
  }
  const sorted = Float32Array.from(out).sort();
  const top = Math.max(sorted[Math.floor(0.99 * (n - 1))]!, 1e-6);
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, out[i]! / top);
    out[i] = v < BACKGROUND_FLOOR ? 0 : v;
  }
  return out;
}

/** The smallest box holding every value above `threshold`, or undefined for an empty picture. */
export function objectBox(
  values: Float32Array,
  width: number,
  height: number,
  threshold = 0.1,
): Box | undefined {
  let box: Box | undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x]! <= threshold) continue;
      if (!box) box = { x0: x, y0: y, x1: x, y1: y };
      else {
        box.x0 = Math.min(box.x0, x);
        box.y0 = Math.min(box.y0, y);
        box.x1 = Math.max(box.x1, x);
        box.y1 = Math.max(box.y1, y);
      }
    }
  }
  return box;
}

/**
 * Crops `values` (width x height, in [0, 1]) to `box`, scales it so its longer side is `fill` of the output's
 * shorter side (MNIST digits: 20 of 28 pixels; Fashion-MNIST items: the whole frame) and centres it on black.
 */
function cropInto(
  values: Float32Array,
  width: number,
  height: number,
  box: Box,
  outW: number,
  outH: number,
  fill: number,
): Float32Array {
  const source = new OffscreenCanvas(width, height);
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(values[i]! * 255);
    image.data.set([v, v, v, 255], 4 * i);
  }
  context2d(source).putImageData(image, 0, 0);
  const bw = box.x1 - box.x0 + 1;
  const bh = box.y1 - box.y0 + 1;
  const scale = (fill * Math.min(outW, outH)) / Math.max(bw, bh);
  const canvas = new OffscreenCanvas(outW, outH);
  const out = context2d(canvas);
  out.fillStyle = 'black';
  out.fillRect(0, 0, outW, outH);
  out.imageSmoothingEnabled = true;
  out.imageSmoothingQuality = 'high';
  const dw = bw * scale;
  const dh = bh * scale;
  out.drawImage(source, box.x0, box.y0, bw, bh, (outW - dw) / 2, (outH - dh) / 2, dw, dh);
  return toGrayscale(out.getImageData(0, 0, outW, outH).data, false);
}

/** How much of the frame an object fills in each dataset: MNIST digits 20 of 28 pixels, Fashion items all. */
export function frameFill(dataset: string): number {
  return dataset === 'fashion-mnist' ? 1 : 20 / 28;
}

/**
 * Decodes an uploaded image already downscaled by the browser (createImageBitmap with resize options: the
 * full-size bitmap is never drawn), removes its background (normaliseBackground), crops it to the object
 * and fits it into the model's input as the dataset frames its images.
 */
export async function imageFileToSample(
  file: Blob,
  width: number,
  height: number,
  fill = 20 / 28,
): Promise<Float32Array> {
  let bitmap = await createImageBitmap(file, { resizeWidth: DECODE_SIDE, resizeQuality: 'high' });
  if (bitmap.height > DECODE_SIDE) {
    // Portrait: decode again bounded by the height instead.
    bitmap.close();
    bitmap = await createImageBitmap(file, { resizeHeight: DECODE_SIDE, resizeQuality: 'high' });
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = context2d(canvas);
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const values = normaliseBackground(rgba, bitmap.width, bitmap.height);
    const box = objectBox(values, bitmap.width, bitmap.height);
    if (!box) return new Float32Array(width * height);
    return cropInto(values, bitmap.width, bitmap.height, box, width, height, fill);
  } finally {
    bitmap.close();
  }
}

/**
 * The drawing pad's content as a model input: cropped to the strokes' bounding box, scaled so its longer side
 * fills `fill` of the frame (MNIST: 20 of 28 pixels) and centred (the MNIST preprocessing).
 */
export function drawingToSample(
  pad: HTMLCanvasElement,
  width: number,
  height: number,
  fill = 20 / 28,
): Float32Array {
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2-D canvas context unavailable');
  const values = toGrayscale(ctx.getImageData(0, 0, pad.width, pad.height).data, false);
  const box = objectBox(values, pad.width, pad.height, 30 / 255);
  if (!box) return new Float32Array(width * height);
  return cropInto(values, pad.width, pad.height, box, width, height, fill);
}
