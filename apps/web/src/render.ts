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

/** Draws `count` samples side by side in one canvas row. */
export function drawRow(
  canvas: HTMLCanvasElement,
  batch: Float32Array,
  count: number,
  width: number,
  height: number,
): void {
  const ctx = ctx2d(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const cell = canvas.width / count;
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  for (let i = 0; i < count; i++) {
    ctx2d(small).putImageData(
      toImageData(batch.subarray(i * width * height, (i + 1) * width * height), width, height),
      0,
      0,
    );
    ctx.drawImage(small, i * cell + 2, 2, cell - 4, canvas.height - 4);
  }
}

/** Bar chart of a latent code: one bar per value, zero line in the middle, labelled with the range. */
export function drawBars(canvas: HTMLCanvasElement, values: Float32Array): void {
  const ctx = ctx2d(canvas);
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, width, height);
  let max = 1e-6;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const mid = height / 2;
  const bar = width / Math.max(1, values.length);
  values.forEach((v, i) => {
    const h = (v / max) * (mid - 14);
    ctx.fillStyle = v >= 0 ? '#2563eb' : '#dc2626';
    ctx.fillRect(i * bar + bar * 0.1, h >= 0 ? mid - h : mid, Math.max(1, bar * 0.8), Math.abs(h));
  });
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`${values.length} values, max |z| = ${max.toFixed(3)}`, 4, 12);
}
