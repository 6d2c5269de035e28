/** Draws losses (index = epoch) as a line with dots on labelled axes, the y axis from 0 to the largest. */
export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[], lossName: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2-D canvas context unavailable');
  const { width, height } = canvas;
  const left = 48;
  const bottom = height - 28;
  const top = 10;
  const right = width - 10;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ccc';
  ctx.strokeStyle = '#888';
  ctx.font = '11px system-ui, sans-serif';
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();
  ctx.fillText('epoch', right - 32, height - 6);
  ctx.save();
  ctx.translate(12, bottom);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(lossName, 0, 0);
  ctx.restore();
  if (losses.length === 0) return;
  const max = Math.max(...losses) || 1;
  const last = Math.max(1, losses.length - 1);
  const x = (i: number) => left + ((right - left) * i) / last;
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  ctx.textAlign = 'right';
  ctx.fillText(max.toPrecision(3), left - 4, top + 8);
  ctx.fillText('0', left - 4, bottom);
  ctx.textAlign = 'left';
  ctx.fillText(String(losses.length - 1), right - 8, bottom + 12);
  ctx.strokeStyle = '#4fc3f7';
  ctx.fillStyle = '#4fc3f7';
  ctx.beginPath();
  for (const [i, v] of losses.entries()) {
    if (i === 0) ctx.moveTo(x(i), y(v));
    else ctx.lineTo(x(i), y(v));
  }
  ctx.stroke();
  for (const [i, v] of losses.entries()) ctx.fillRect(x(i) - 2, y(v) - 2, 4, 4);
}
