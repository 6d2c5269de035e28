/** Drawing model inputs/outputs and latent codes on canvases. */

function ctx2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2-D canvas context unavailable');
  return ctx;
}

/** Grayscale h*w values in [0, 1] as an ImageData. */
export function toImageData(values: ArrayLike<number>, width: number, height: number, scale = 1): ImageData {
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(Math.min(1, Math.max(0, values[i]! * scale)) * 255);
    image.data.set([v, v, v, 255], 4 * i);
  }
  return image;
}

/** Draws one sample scaled up (nearest neighbour) to fill the canvas. */
export function drawSample(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  width: number,
  height: number,
): void {
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  ctx2d(small).putImageData(toImageData(values, width, height), 0, 0);
  const ctx = ctx2d(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Draws `count` samples in a grid of `columns` (one row when columns = count), 2 px apart on dark grey. */
export function drawGrid(
  canvas: HTMLCanvasElement,
  batch: Float32Array,
  count: number,
  width: number,
  height: number,
  columns = count,
): void {
  const ctx = ctx2d(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const rows = Math.ceil(count / columns);
  const cellW = canvas.width / columns;
  const cellH = canvas.height / rows;
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  for (let i = 0; i < count; i++) {
    ctx2d(small).putImageData(
      toImageData(batch.subarray(i * width * height, (i + 1) * width * height), width, height),
      0,
      0,
    );
    const x = (i % columns) * cellW;
    const y = Math.floor(i / columns) * cellH;
    ctx.drawImage(small, x + 1, y + 1, cellW - 2, cellH - 2);
  }
}

/**
 * Draws a latent code. A convolutional code [h, w, c] is shown as its c feature maps (h x w each, brightness =
 * value, one scale for all); a vector code as bars on a zero line (the baseline at the bottom when no value is
 * negative). Returns a one-line description for a caption and the canvas' aria-label.
 */
export function drawCode(canvas: HTMLCanvasElement, values: Float32Array, shape: readonly number[]): string {
  const ctx = ctx2d(canvas);
  const { width, height } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  let max = 1e-6;
  let min = 0;
  for (const v of values) {
    max = Math.max(max, Math.abs(v));
    min = Math.min(min, v);
  }
  ctx.font = '11px system-ui, sans-serif';
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    // The column count that makes the maps largest in this canvas.
    let columns = 1;
    let cell = 0;
    for (let cols = 1; cols <= c; cols++) {
      const size = Math.min((width - 4) / cols, (height - 4) / Math.ceil(c / cols));
      if (size > cell) [columns, cell] = [cols, size];
    }
    const map = document.createElement('canvas');
    map.width = w;
    map.height = h;
    const image = new ImageData(w, h);
    for (let k = 0; k < c; k++) {
      for (let i = 0; i < h * w; i++) {
        const v = Math.round((Math.abs(values[i * c + k]!) / max) * 255);
        image.data.set([v, v, v, 255], 4 * i);
      }
      ctx2d(map).putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(
        map,
        2 + (k % columns) * cell + 1,
        2 + Math.floor(k / columns) * cell + 1,
        cell - 2,
        cell - 2,
      );
    }
    return `${c} feature maps of ${h}×${w} (${values.length} numbers), brightness = value, white = ${max.toFixed(2)}`;
  }
  const left = 34;
  const bottom = height - 16;
  const top = 6;
  const signed = min < 0;
  const zero = signed ? (top + bottom) / 2 : bottom;
  const span = signed ? (bottom - top) / 2 : bottom - top;
  const bar = (width - left - 4) / Math.max(1, values.length);
  values.forEach((v, i) => {
    const h = (v / max) * span;
    ctx.fillStyle = v >= 0 ? '#2563eb' : '#dc2626';
    ctx.fillRect(left + i * bar + bar * 0.1, h >= 0 ? zero - h : zero, Math.max(1, bar * 0.8), Math.abs(h));
  });
  ctx.strokeStyle = '#6b7280';
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.moveTo(left, zero);
  ctx.lineTo(width - 4, zero);
  ctx.stroke();
  ctx.fillStyle = '#374151';
  ctx.textAlign = 'right';
  ctx.fillText(max.toFixed(2), left - 4, top + 8);
  ctx.fillText('0', left - 4, zero + 4);
  if (signed) ctx.fillText((-max).toFixed(2), left - 4, bottom);
  ctx.textAlign = 'center';
  ctx.fillText(`code dimension (1–${values.length})`, (left + width) / 2, height - 3);
  ctx.textAlign = 'start';
  return `${values.length} numbers, one bar each (value on the vertical axis)`;
}
