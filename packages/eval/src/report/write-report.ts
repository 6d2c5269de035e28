import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics } from '@aekit/core';
import { readMetrics, writeFileAtomic } from '@aekit/core/node';
import { imageGrid } from '../images/index.js';
import type { ImageShape } from '../metrics/ssim.js';
import { anomalyHistogramSpec, lossCurveSpec, renderSvg, scatterSpec, svgToPng } from './plots.js';

export interface ReportTable {
  title: string;
  columns: readonly string[];
  rows: readonly (readonly (string | number)[])[];
  note?: string;
}

export interface ReportInput {
  title?: string;
  /** Epoch metrics, or a run directory holding `metrics.jsonl`. */
  metrics?: readonly EpochMetrics[] | { runDir: string };
  reconstructions?: {
    originals: Float32Array;
    reconstructions: Float32Array;
    shape: ImageShape;
    count?: number;
  };
  latent?: {
    points: Float32Array;
    labels: ArrayLike<number>;
    method: string;
    labelNames?: readonly string[];
  };
  anomaly?: { normal: ArrayLike<number>; anomalous: ArrayLike<number>; threshold?: number };
  tables?: readonly ReportTable[];
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function formatCell(v: string | number): string {
  if (typeof v === 'string') return escapeHtml(v);
  if (!Number.isFinite(v)) return v > 0 ? '∞' : String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

function tableHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${formatCell(v)}</td>`).join('')}</tr>`).join('\n');
  const note = t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : '';
  return `<section><h2>${escapeHtml(t.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${note}</section>`;
}

/**
 * Writes an offline HTML report `dir/index.html` (SVG plots and PNG images inlined, no network) with the
 * sections given: loss curves, reconstruction grid, latent scatter, anomaly histogram, tables. The latent
 * scatter is also written as `latent.svg` and `latent.png`. Returns the path of index.html.
 */
export async function writeReport(dir: string, input: ReportInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const title = input.title ?? 'aekit evaluation report';
  const sections: string[] = [];
  if (input.metrics !== undefined) {
    const history = 'runDir' in input.metrics ? await readMetrics(input.metrics.runDir) : input.metrics;
    if (history.length > 0) {
      sections.push(
        `<section id="loss"><h2>Loss curves</h2>${await renderSvg(lossCurveSpec(history))}</section>`,
      );
    }
  }
  if (input.reconstructions !== undefined) {
    const { originals, reconstructions, shape } = input.reconstructions;
    const size = shape[0] * shape[1] * shape[2];
    const count = Math.min(input.reconstructions.count ?? 12, originals.length / size);
    const png = imageGrid(
      [originals.subarray(0, count * size), reconstructions.subarray(0, count * size)],
      shape,
      {
        columns: count,
        scale: 3,
      },
    );
    sections.push(
      `<section id="reconstructions"><h2>Reconstructions</h2><p class="note">Top: originals. Bottom: reconstructions.</p><img alt="reconstruction grid" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"></section>`,
    );
  }
  if (input.latent !== undefined) {
    const { points, labels, method, labelNames } = input.latent;
    const svg = await renderSvg(scatterSpec(points, labels, `Latent space (${method})`, labelNames));
    await writeFile(join(dir, 'latent.svg'), svg);
    await writeFile(join(dir, 'latent.png'), svgToPng(svg));
    sections.push(`<section id="latent"><h2>Latent space</h2>${svg}</section>`);
  }
  if (input.anomaly !== undefined) {
    const { normal, anomalous, threshold } = input.anomaly;
    const svg = await renderSvg(anomalyHistogramSpec(normal, anomalous, threshold));
    sections.push(`<section id="anomaly"><h2>Anomaly scores</h2>${svg}</section>`);
  }
  for (const t of input.tables ?? []) sections.push(tableHtml(t));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.note{color:#666;font-size:.9em}
img{image-rendering:pixelated;max-width:100%}section{margin-bottom:2rem}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${sections.join('\n')}
</body></html>
`;
  const path = join(dir, 'index.html');
  await writeFileAtomic(path, html);
  return path;
}
