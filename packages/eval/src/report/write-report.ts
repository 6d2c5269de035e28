import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics } from '@aekit/core';
import { readMetrics, writeFileAtomic } from '@aekit/core/node';
import { imageGrid } from '../images/index.js';
import type { ImageShape } from '../metrics/ssim.js';
import {
  anomalyHistogramSpec,
  lossCurveSpec,
  perClassErrorSpec,
  renderSvg,
  scatterSpec,
  svgToPng,
} from './plots.js';

export interface ReportTable {
  title: string;
  columns: readonly string[];
  rows: readonly (readonly (string | number)[])[];
  note?: string;
}

/** What the report is about, shown as its header: each field given is one line. */
export interface ReportRun {
  model?: string;
  dataset?: string;
  /** Epochs trained (default: the number of epochs in `metrics`). */
  epochs?: number;
  trainImages?: number;
  testImages?: number;
  /** Where the model ran, e.g. "wasm (2 threads)". */
  device?: string;
  /** Default: today (UTC), as YYYY-MM-DD. */
  date?: string;
  /** Anything else worth a line, e.g. { checkpoint: 'runs/conv' }. */
  extra?: Readonly<Record<string, string | number>>;
}

export interface ReportInput {
  title?: string;
  run?: ReportRun;
  /** One line under the header saying what the numbers mean (e.g. `evaluationVerdict`). */
  verdict?: string;
  /** Epoch metrics, or a run directory holding `metrics.jsonl`. */
  metrics?: readonly EpochMetrics[] | { runDir: string };
  /** What the loss is, for the loss axis (e.g. "BCE, mean per pixel"). */
  lossName?: string;
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
  /** Mean reconstruction error per class and model, drawn as grouped bars. */
  perClass?: readonly { label: string; model: string; mse: number }[];
  /** Anomaly scores; `scoreName` says what the score is (default: reconstruction MSE per image), `table`
   * (e.g. AUROC) is shown in the same section. */
  anomaly?: {
    normal: ArrayLike<number>;
    anomalous: ArrayLike<number>;
    threshold?: number;
    scoreName?: string;
    table?: ReportTable;
  };
  tables?: readonly ReportTable[];
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Decibel columns (PSNR) get 2 decimals: a hundredth of a dB is already below what anyone can see. */
const DECIBELS = /PSNR|\(dB\)/;

function formatCell(v: string | number, column = ''): string {
  if (typeof v === 'string') return escapeHtml(v);
  if (!Number.isFinite(v)) return v > 0 ? '∞' : String(v);
  if (Number.isInteger(v)) return String(v);
  if (DECIBELS.test(column)) return v.toFixed(2);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

function tableBody(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((v, i) => `<td>${formatCell(v, t.columns[i])}</td>`).join('')}</tr>`)
    .join('\n');
  const note = t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : '';
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${note}`;
}

function tableHtml(t: ReportTable): string {
  return `<section><h2>${escapeHtml(t.title)}</h2>${tableBody(t)}</section>`;
}

function runHeader(run: ReportRun, epochsSeen: number | undefined): string {
  const lines: [string, string | number | undefined][] = [
    ['model', run.model],
    ['dataset', run.dataset],
    ['epochs', run.epochs ?? epochsSeen],
    ['training images', run.trainImages],
    ['test images', run.testImages],
    ['device', run.device],
    ['date', run.date ?? new Date().toISOString().slice(0, 10)],
    ...Object.entries(run.extra ?? {}),
  ];
  const items = lines
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd></div>`)
    .join('');
  return `<dl class="run">${items}</dl>`;
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
  let epochsSeen: number | undefined;
  if (input.metrics !== undefined) {
    const history = 'runDir' in input.metrics ? await readMetrics(input.metrics.runDir) : input.metrics;
    if (history.length > 0) {
      epochsSeen = history.length;
      sections.push(
        `<section id="loss"><h2>Loss curves</h2>${await renderSvg(lossCurveSpec(history, input.lossName))}</section>`,
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
  if (input.perClass !== undefined && input.perClass.length > 0) {
    const svg = await renderSvg(perClassErrorSpec(input.perClass));
    sections.push(`<section id="per-class"><h2>Error per class</h2>${svg}</section>`);
  }
  if (input.latent !== undefined) {
    const { points, labels, method, labelNames } = input.latent;
    const svg = await renderSvg(scatterSpec(points, labels, `Latent space (${method})`, labelNames));
    await writeFile(join(dir, 'latent.svg'), svg);
    await writeFile(join(dir, 'latent.png'), svgToPng(svg));
    sections.push(`<section id="latent"><h2>Latent space</h2>${svg}</section>`);
  }
  for (const t of input.tables ?? []) sections.push(tableHtml(t));
  if (input.anomaly !== undefined) {
    // The histogram and its table (AUROC...) in one section.
    const { normal, anomalous, threshold, scoreName, table } = input.anomaly;
    const svg = await renderSvg(anomalyHistogramSpec(normal, anomalous, threshold, 40, scoreName));
    const caption = table ? `<h3>${escapeHtml(table.title)}</h3>${tableBody(table)}` : '';
    sections.push(`<section id="anomaly"><h2>Anomaly scores</h2>${svg}${caption}</section>`);
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.9em}
.scroll{overflow-x:auto}img{image-rendering:pixelated;max-width:100%}section{margin-bottom:2rem}
svg{width:100%;max-width:720px;height:auto}
.run{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:0 0 .75rem}.run div{display:flex;gap:.4rem}
.run dt{color:#555}.run dd{margin:0;font-weight:600}.verdict{font-size:1.1em;border-left:4px solid #2563eb;padding:.25rem .75rem;background:#eff6ff}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${input.run ? runHeader(input.run, epochsSeen) : ''}
${input.verdict ? `<p class="verdict">${escapeHtml(input.verdict)}</p>` : ''}
${sections.join('\n')}
</body></html>
`;
  const path = join(dir, 'index.html');
  await writeFileAtomic(path, html);
  return path;
}
