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

/** Draws `source` scaled to fit (aspect kept, centred, bars of `background`) into a width x height canvas. */
function fitInto(source: ImageBitmap, width: number, height: number, background: string): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  const scale = Math.min(width / source.width, height / source.height);
  const dw = source.width * scale;
  const dh = source.height * scale;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, (width - dw) / 2, (height - dh) / 2, dw, dh);
  return ctx.getImageData(0, 0, width, height).data;
}

/** Mean brightness of the opaque pixels of a (small, already downscaled) bitmap is above one half. */
function hasLightBackground(bitmap: ImageBitmap): boolean {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = context2d(canvas);
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3]! < 128) continue;
    sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 765;
    count++;
  }
  return count > 0 && sum / count > 0.5;
}

/**
 * Decodes an uploaded image already downscaled by the browser (createImageBitmap with resize options: the
 * full-size bitmap is never drawn), then fits it into the model's input. Dark-on-light images are inverted.
 */
export async function imageFileToSample(file: Blob, width: number, height: number): Promise<Float32Array> {
  let bitmap = await createImageBitmap(file, { resizeWidth: DECODE_SIDE, resizeQuality: 'high' });
  if (bitmap.height > DECODE_SIDE) {
    // Portrait: decode again bounded by the height instead.
    bitmap.close();
    bitmap = await createImageBitmap(file, { resizeHeight: DECODE_SIDE, resizeQuality: 'high' });
  }
  try {
    const light = hasLightBackground(bitmap);
    return toGrayscale(fitInto(bitmap, width, height, light ? 'white' : 'black'), light);
  } finally {
    bitmap.close();
  }
}

/**
 * The drawing pad's content as a model input: cropped to the strokes' bounding box, scaled so its longer side
 * fills 20 of 28 pixels and centred (the MNIST preprocessing).
 */
export function drawingToSample(pad: HTMLCanvasElement, width: number, height: number): Float32Array {
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2-D canvas context unavailable');
  const { data } = ctx.getImageData(0, 0, pad.width, pad.height);
  let x0 = pad.width;
  let y0 = pad.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < pad.height; y++) {
    for (let x = 0; x < pad.width; x++) {
      if (data[4 * (y * pad.width + x)]! > 30) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return new Float32Array(width * height);
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const box = Math.round((20 / 28) * Math.min(width, height));
  const scale = box / side;
  const canvas = new OffscreenCanvas(width, height);
  const out = context2d(canvas);
  out.fillStyle = 'black';
  out.fillRect(0, 0, width, height);
  out.imageSmoothingQuality = 'high';
  const dw = (x1 - x0 + 1) * scale;
  const dh = (y1 - y0 + 1) * scale;
  out.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (width - dw) / 2, (height - dh) / 2, dw, dh);
  return toGrayscale(out.getImageData(0, 0, width, height).data, false);
}
