/** Pictures of docs/results.md: an image grid with a label left of each of its rows. */
import { imageGrid } from '@aekit/eval/images';
import { svgToPng } from '@aekit/eval/report';

/** imageGrid's defaults: each sample pixel a 2x2 block, 2 px between samples. */
const SCALE = 2;
const GAP = 2;
const FONT_PX = 12;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Puts `labels[i]` left of row i of a grid PNG made by imageGrid with its default scale and gap, where row i
 * spans `rowLines[i]` lines of `cellHeight` pixels (a row of more samples than columns wraps onto more lines).
 */
export function withRowLabels(
  grid: Uint8Array,
  rowLines: readonly number[],
  cellHeight: number,
  labels: readonly string[],
): Uint8Array {
  const { width, height } = pngSize(grid);
  const labelWidth = Math.ceil(Math.max(...labels.map((l) => l.length)) * FONT_PX * 0.58) + 12;
  let line = 0;
  const texts = labels.map((label, i) => {
    const lines = rowLines[i] ?? 1;
    const centre = GAP + (line + lines / 2) * (cellHeight + GAP) - GAP / 2;
    line += lines;
    return `<text x="${labelWidth - 8}" y="${centre.toFixed(1)}" text-anchor="end" dominant-baseline="middle">${escapeXml(label)}</text>`;
  });
  const base64 = Buffer.from(grid).toString('base64');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + width}" height="${height}" ` +
    `font-family="DejaVu Sans, sans-serif" font-size="${FONT_PX}" fill="#222">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<image x="${labelWidth}" y="0" width="${width}" height="${height}" href="data:image/png;base64,${base64}"/>` +
    `${texts.join('')}</svg>`;
  return svgToPng(svg);
}

/** imageGrid of `rows` (samples of `sampleShape`, `columns` per line) with one label per row. */
export function labelledGrid(
  rows: readonly Float32Array[],
  labels: readonly string[],
  sampleShape: readonly number[],
  columns: number,
): Uint8Array {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const grid = imageGrid(rows, sampleShape, { columns, scale: SCALE, gap: GAP });
  const rowLines = rows.map((r) => Math.max(1, Math.ceil(r.length / size / columns)));
  return withRowLabels(grid, rowLines, (sampleShape[0] ?? 0) * SCALE, labels);
}
