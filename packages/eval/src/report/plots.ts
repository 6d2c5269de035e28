import { type EpochMetrics, MissingDependencyError } from '@aekit/core';
import type * as Resvg from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** The plotting stack: optional peer dependencies of @aekit/eval, used by this entry only. */
export const PLOTTING_PACKAGES = ['vega', 'vega-lite', '@resvg/resvg-js'] as const;

interface PlottingStack {
  vega: typeof Vega;
  compile: typeof VegaLite.compile;
  Resvg: typeof Resvg.Resvg;
}

// Module specifiers in a variable: the import is optional and its failure is reported, not fatal.
async function importOptional(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name);
}

/**
 * Loads the plotting stack when this entry loads (so `svgToPng` stays synchronous); when a package is missing,
 * keeps the error to throw from the first plotting call, so the rest of the entry still works.
 */
async function loadPlottingStack(): Promise<PlottingStack | MissingDependencyError> {
  const loaded = await Promise.allSettled(PLOTTING_PACKAGES.map(importOptional));
  const missing = PLOTTING_PACKAGES.filter((_, i) => loaded[i]?.status === 'rejected');
  if (missing.length > 0) {
    const failure = loaded.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    return new MissingDependencyError(missing.join(' '), 'Plotting (@aekit/eval/report)', failure?.reason);
  }
  const [vega, vegaLite, resvg] = loaded.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    typeof Vega,
    typeof VegaLite,
    typeof Resvg & { default?: typeof Resvg },
  ];
  return { vega, compile: vegaLite.compile, Resvg: resvg.Resvg ?? (resvg.default as typeof Resvg).Resvg };
}

const stack = await loadPlottingStack();

/** The plotting stack, or the MissingDependencyError that names what to install. */
function plotting(): PlottingStack {
  if (stack instanceof MissingDependencyError) throw stack;
  return stack;
}

/** Renders a Vega-Lite spec to a standalone SVG string (headless, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = plotting();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG bytes (resvg, system fonts). */
export function svgToPng(svg: string, width?: number): Uint8Array {
  const { Resvg } = plotting();
  const r = new Resvg(svg, {
    font: { loadSystemFonts: true },
    background: 'white',
    ...(width === undefined ? {} : { fitTo: { mode: 'width' as const, value: width } }),
  });
  return r.render().asPng();
}

/** A score for a label: 4 significant digits. */
function formatScore(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** Training (and validation) loss per epoch; `lossName` titles the y axis (e.g. "BCE, mean per value"). */
export function lossCurveSpec(history: readonly EpochMetrics[], lossName = 'training loss'): TopLevelSpec {
  const values = history.flatMap((m) => [
    { epoch: m.epoch, loss: m.loss, split: 'train' },
    ...(m.valLoss === undefined ? [] : [{ epoch: m.epoch, loss: m.valLoss, split: 'validation' }]),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Loss per epoch',
    width: 420,
    height: 240,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 }, title: 'epoch' },
      y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: lossName },
      color: { field: 'split', type: 'nominal', title: 'split' },
    },
  };
}

/** Mean reconstruction error per class, one bar per model (e.g. the autoencoder and PCA) in each class. */
export function perClassErrorSpec(
  rows: readonly { label: string; model: string; mse: number }[],
  errorName = 'mean reconstruction MSE per image',
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Reconstruction error per class',
    width: 420,
    height: 240,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', sort: null, title: 'class', axis: { labelAngle: -40 } },
      xOffset: { field: 'model', type: 'nominal' },
      y: { field: 'mse', type: 'quantitative', title: errorName },
      color: { field: 'model', type: 'nominal', title: 'model' },
    },
  };
}

/** 2-D points coloured by label. */
export function scatterSpec(
  points: Float32Array,
  labels: ArrayLike<number | string>,
  title: string,
  labelNames?: readonly string[],
): TopLevelSpec {
  const values = Array.from({ length: points.length / 2 }, (_, i) => {
    const l = labels[i] as number | string;
    return {
      x: points[2 * i] as number,
      y: points[2 * i + 1] as number,
      label: typeof l === 'number' && labelNames ? (labelNames[l] ?? String(l)) : String(l),
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 420,
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false }, title: 'dim 1' },
      y: { field: 'y', type: 'quantitative', scale: { zero: false }, title: 'dim 2' },
      color: { field: 'label', type: 'nominal', scale: { scheme: 'category10' } },
    },
  };
}

/**
 * Overlaid histograms of anomaly scores of normal and anomalous samples, with the threshold as a labelled
 * rule. `scoreName` titles the x axis with what the score is (and its unit).
 */
export function anomalyHistogramSpec(
  normal: ArrayLike<number>,
  anomalous: ArrayLike<number>,
  threshold?: number,
  bins = 40,
  scoreName = 'anomaly score (reconstruction MSE per image)',
): TopLevelSpec {
  const values = [
    ...Array.from(normal, (score) => ({ score, set: 'normal' })),
    ...Array.from(anomalous, (score) => ({ score, set: 'anomalous' })),
  ];
  const hist = {
    mark: { type: 'bar' as const, opacity: 0.55 },
    encoding: {
      x: { field: 'score', type: 'quantitative' as const, bin: { maxbins: bins }, title: scoreName },
      y: { aggregate: 'count' as const, type: 'quantitative' as const, stack: null, title: 'images' },
      color: {
        field: 'set',
        type: 'nominal' as const,
        title: 'test images',
        scale: { domain: ['normal', 'anomalous'], range: ['#1f77b4', '#d62728'] },
      },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Anomaly scores: normal vs anomalous',
    width: 420,
    height: 240,
    data: { values },
    layer:
      threshold === undefined
        ? [hist]
        : [
            hist,
            {
              data: { values: [{ threshold, label: `threshold ${formatScore(threshold)}` }] },
              layer: [
                {
                  mark: { type: 'rule', color: 'black', strokeDash: [4, 3] },
                  encoding: { x: { field: 'threshold', type: 'quantitative' } },
                },
                {
                  mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, fontSize: 11 },
                  encoding: {
                    x: { field: 'threshold', type: 'quantitative' },
                    y: { value: 0 },
                    text: { field: 'label' },
                  },
                },
              ],
            },
          ],
  };
}
