/**
 * The anomaly view: the page's current input through the bundled one-class detector graph (raw input ->
 * feature_errors, score, is_anomaly) on ONNX Runtime Web, drawn as a score bar with the threshold marked,
 * the verdict, and the per-pixel error heatmap.
 */
import type { OnnxSession } from '@aekit/onnx-backend/browser';
import { decodeThumbnail } from './explorer.js';
import type { AnomalyEntry, AnomalySamples } from './manifest.js';
import type { Progress } from './ort-preload.js';
import { drawSample } from './render.js';
import { loadDetectorSession } from './runtime.js';

export interface AnomalyElements {
  info: HTMLElement;
  input: HTMLCanvasElement;
  bar: HTMLCanvasElement;
  heatmap: HTMLCanvasElement;
  verdict: HTMLElement;
}

export interface AnomalyResult {
  /** The values scored (h*w*c). */
  input: Float32Array;
  score: number;
  threshold: number;
  isAnomaly: boolean;
}

function ctx2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2-D canvas context unavailable');
  return ctx;
}

/** Black -> red -> yellow -> white for t in [0, 1]. */
function heat(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, t));
  return [Math.min(1, 3 * v), Math.min(1, Math.max(0, 3 * v - 1)), Math.max(0, 3 * v - 2)].map((c) =>
    Math.round(255 * c),
  ) as [number, number, number];
}

export class AnomalyView {
  private session: OnnxSession | undefined;
  private loaded: AnomalyEntry | undefined;
  private samples: AnomalySamples | undefined;
  private last: AnomalyResult | undefined;
  private picks = { normal: 0, anomalous: 0 };

  constructor(private readonly el: AnomalyElements) {}

  /** The manifest entry of the loaded detector. */
  get entry(): AnomalyEntry | undefined {
    return this.loaded;
  }

  /** Loads the detector graph (after ONNX Runtime's WASM, with its download progress) and its test images. */
  async load(entry: AnomalyEntry, baseUrl: string, onProgress?: Progress): Promise<void> {
    const [session, samples] = await Promise.all([
      loadDetectorSession(entry, baseUrl, onProgress),
      fetch(`${baseUrl}${entry.samples}`).then((r) => r.json() as Promise<AnomalySamples>),
    ]);
    this.session = session;
    this.samples = samples;
    this.loaded = entry;
    const t = entry.threshold;
    this.el.info.textContent =
      `${entry.description} Normal class: ${entry.normalClass.name}. ` +
      `Threshold ${t.value.toFixed(4)} (${t.method}: calibrated on ${entry.training.calibrationSamples} held-out ${entry.normalClass.name} images so that about ${Math.round(100 * (t.expectedFalseAlarmRate ?? 0))}% of normal images are flagged); ` +
      `on the ${entry.test.samples} test images: AUROC ${entry.test.auroc.toFixed(3)}, ${(100 * entry.test.normalFlaggedRate).toFixed(1)}% of the ${entry.test.normalSamples} normal ones flagged.`;
  }

  /** The next bundled test image of the normal class, or of another class (one per class, in turn). */
  pick(kind: 'normal' | 'anomalous'): { x: Float32Array; className: string } | undefined {
    const list = this.samples?.[kind];
    if (!list?.length || !this.samples) return undefined;
    const item = list[this.picks[kind]++ % list.length]!;
    return { x: decodeThumbnail(item.image), className: this.samples.classNames[item.label] ?? '' };
  }

  result(): AnomalyResult | undefined {
    return this.last;
  }

  /** Scores one image (h*w*c raw values in [0, 1]) and draws the bar, the verdict and the heatmap. */
  async show(x: Float32Array): Promise<AnomalyResult | undefined> {
    const entry = this.loaded;
    if (!this.session || !entry) return undefined;
    const [h, w, c] = entry.inputShape;
    const out = await this.session.run({ input: { data: x, shape: [1, h, w, c] } });
    const score = (out.score!.data as Float32Array)[0]!;
    const isAnomaly = Boolean((out.is_anomaly!.data as ArrayLike<unknown>)[0]);
    const threshold = entry.threshold.value;
    this.last = { input: x, score, threshold, isAnomaly };
    drawSample(this.el.input, x, w, h);
    this.drawBar(score, threshold, isAnomaly);
    this.drawHeatmap(out.feature_errors!.data as Float32Array, w, h);
    const word = isAnomaly ? 'anomalous' : 'normal';
    this.el.verdict.textContent = `${word}: score ${score.toFixed(4)} ${isAnomaly ? '>' : '≤'} threshold ${threshold.toFixed(4)}`;
    this.el.verdict.dataset.verdict = word;
    this.el.verdict.dataset.score = String(score);
    return this.last;
  }

  /** A horizontal scale from 0 to 3x the threshold (or the score), the threshold as a line. */
  private drawBar(score: number, threshold: number, isAnomaly: boolean): void {
    const canvas = this.el.bar;
    const ctx = ctx2d(canvas);
    const max = Math.max(3 * threshold, 1.1 * score);
    const x = (v: number) => (v / max) * canvas.width;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#e5e7eb';
    ctx.fillRect(0, 8, canvas.width, canvas.height - 16);
    ctx.fillStyle = isAnomaly ? '#dc2626' : '#16a34a';
    ctx.fillRect(0, 8, x(score), canvas.height - 16);
    ctx.fillStyle = '#111827';
    ctx.fillRect(x(threshold) - 1, 0, 3, canvas.height);
    canvas.setAttribute(
      'aria-label',
      `Score bar: the score ${score.toFixed(4)} against the threshold ${threshold.toFixed(4)} (the dark line), on a scale from 0 to ${max.toFixed(4)}`,
    );
  }

  /** The per-pixel squared errors, scaled to the largest (at least the threshold), as a heat colour map. */
  private drawHeatmap(errors: Float32Array, w: number, h: number): void {
    let top = this.loaded?.threshold.value ?? 0;
    for (const e of errors) top = Math.max(top, e);
    const image = new ImageData(w, h);
    for (let i = 0; i < w * h; i++) image.data.set([...heat(errors[i]! / (top || 1)), 255], 4 * i);
    const small = document.createElement('canvas');
    small.width = w;
    small.height = h;
    ctx2d(small).putImageData(image, 0, 0);
    const ctx = ctx2d(this.el.heatmap);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, this.el.heatmap.width, this.el.heatmap.height);
  }
}
