import { Pca } from '@aekit/eval/baselines';
import type { ExplorerData } from './manifest.js';
import { drawSample } from './render.js';

const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Plot margins in CSS pixels: room for the axis names and tick labels. */
const MARGIN = { left: 34, right: 10, top: 10, bottom: 30 };
/** A pointer this close (CSS pixels) to a point picks it. */
const PICK_RADIUS = 10;

/** Decodes a base64 thumbnail (width*height bytes) into floats in [0, 1]. */
export function decodeThumbnail(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return Float32Array.from(bytes, (b) => b / 255);
}

export interface ExplorerCallbacks {
  /** A point was clicked or tapped: use its image as the input. */
  pick(image: Float32Array, index: number): void;
  /** A VAE only: decode a code (a click on empty space, mapped back from the plane). */
  decode?(z: Float32Array): Promise<Float32Array>;
}

/**
 * Scatter plot of held-out images by the first two principal components of their codes (fitted here, on the
 * codes the loaded encoder gives the thumbnails, so the current input projects the same way). Hover or tap
 * a point to preview it, click it to use it as input; for a VAE, a click on empty space decodes that spot.
 * The canvas is drawn at the device's pixel ratio; the legend is an HTML list beside it.
 */
export class LatentExplorer {
  private data: ExplorerData | undefined;
  private pca: Pca | undefined;
  private plane: Float32Array = new Float32Array(0);
  private bounds = { x0: 0, x1: 1, y0: 0, y1: 1 };
  private hovered = -1;
  private marker: { x: number; y: number } | undefined;
  private decodable = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly preview: HTMLCanvasElement,
    private readonly caption: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly callbacks: ExplorerCallbacks,
  ) {
    const local = (event: PointerEvent | MouseEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    };
    canvas.addEventListener('pointermove', (event) => {
      if (event.pointerType !== 'mouse') return;
      const p = local(event);
      this.hover(this.nearest(p.x, p.y));
    });
    canvas.addEventListener('pointerleave', () => this.hover(-1));
    canvas.addEventListener('click', (event) => {
      const p = local(event);
      const index = this.nearest(p.x, p.y);
      if (index >= 0) {
        this.hover(index);
        const point = this.data?.points[index];
        if (point) this.callbacks.pick(decodeThumbnail(point.image), index);
      } else if (this.decodable) void this.decodeAt(p.x, p.y);
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Shows a model's explorer set; `codes` are the loaded encoder's codes of its thumbnails ([n, dim]). */
  show(data: ExplorerData, codes: Float32Array, dim: number, vae: boolean): void {
    this.data = data;
    this.decodable = vae && !!this.callbacks.decode;
    this.pca = Pca.fit(codes, dim, { components: 2 });
    this.plane = this.pca.transform(codes);
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < this.plane.length; i += 2) {
      x0 = Math.min(x0, this.plane[i]!);
      x1 = Math.max(x1, this.plane[i]!);
      y0 = Math.min(y0, this.plane[i + 1]!);
      y1 = Math.max(y1, this.plane[i + 1]!);
    }
    const padX = (x1 - x0) * 0.04 || 1;
    const padY = (y1 - y0) * 0.04 || 1;
    this.bounds = { x0: x0 - padX, x1: x1 + padX, y0: y0 - padY, y1: y1 + padY };
    this.hovered = -1;
    this.marker = undefined;
    this.legend.replaceChildren(
      ...data.classNames.map((name, i) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.style.background = COLORS[i % COLORS.length]!;
        item.append(swatch, name);
        return item;
      }),
    );
    this.draw();
    this.previewHint();
  }

  /** Variance explained by the plot's two axes (fractions). */
  explained(): [number, number] {
    const r = this.pca?.explainedVarianceRatio;
    return [r?.[0] ?? 0, r?.[1] ?? 0];
  }

  /** Marks where a code (the current input's) falls on the plane; undefined removes the mark. */
  markCode(z: Float32Array | undefined): void {
    if (!z || !this.pca) this.marker = undefined;
    else {
      const p = this.pca.transform(z);
      this.marker = { x: p[0]!, y: p[1]! };
    }
    this.draw();
  }

  /** Screen position of point `index` in CSS pixels from the canvas' top-left corner (for tests). */
  pointPosition(index: number): { x: number; y: number } | undefined {
    if (index < 0 || 2 * index >= this.plane.length) return undefined;
    return this.toScreen(this.plane[2 * index]!, this.plane[2 * index + 1]!);
  }

  /** Where the current input's mark is, in CSS pixels (for tests). */
  markerPosition(): { x: number; y: number } | undefined {
    return this.marker && this.toScreen(this.marker.x, this.marker.y);
  }

  private size(): { width: number; height: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { width: rect.width || this.canvas.width, height: rect.height || this.canvas.height };
  }

  private toScreen(x: number, y: number): { x: number; y: number } {
    const { width, height } = this.size();
    const { x0, x1, y0, y1 } = this.bounds;
    return {
      x: MARGIN.left + ((x - x0) / (x1 - x0)) * (width - MARGIN.left - MARGIN.right),
      y: height - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (height - MARGIN.top - MARGIN.bottom),
    };
  }

  private fromScreen(sx: number, sy: number): [number, number] {
    const { width, height } = this.size();
    const { x0, x1, y0, y1 } = this.bounds;
    return [
      x0 + ((sx - MARGIN.left) / (width - MARGIN.left - MARGIN.right)) * (x1 - x0),
      y0 + ((height - MARGIN.bottom - sy) / (height - MARGIN.top - MARGIN.bottom)) * (y1 - y0),
    ];
  }

  private async decodeAt(sx: number, sy: number): Promise<void> {
    if (!this.pca || !this.data || !this.callbacks.decode) return;
    const [x, y] = this.fromScreen(sx, sy);
    const z = this.pca.inverseTransform(Float32Array.of(x, y));
    const image = await this.callbacks.decode(z);
    drawSample(this.preview, image, this.data.width, this.data.height);
    this.preview.dataset.index = 'decoded';
    this.caption.textContent = `decoded from PC1 = ${x.toFixed(2)}, PC2 = ${y.toFixed(2)}`;
  }

  /** The preview while no point is hovered: a hint, not an empty (black) square. */
  private previewHint(): void {
    const ctx = this.preview.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.preview;
    ctx.fillStyle = '#eee';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#4b5563';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('point at a dot', width / 2, height / 2);
    this.preview.dataset.index = '-1';
    this.caption.textContent = this.decodable
      ? 'Hover or tap a dot to see it; click to use it as input. Click empty space to decode that spot.'
      : 'Hover or tap a dot to see it; click to use it as input.';
  }

  private nearest(x: number, y: number): number {
    let best = -1;
    let bestD = PICK_RADIUS * PICK_RADIUS;
    for (let i = 0; 2 * i < this.plane.length; i++) {
      const s = this.toScreen(this.plane[2 * i]!, this.plane[2 * i + 1]!);
      const d = (s.x - x) ** 2 + (s.y - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  private hover(index: number): void {
    if (index === this.hovered) return;
    this.hovered = index;
    this.draw();
    const point = this.data?.points[index];
    if (!point || !this.data) {
      this.previewHint();
      return;
    }
    this.preview.dataset.index = String(index);
    drawSample(this.preview, decodeThumbnail(point.image), this.data.width, this.data.height);
    this.caption.textContent = `#${index}: ${this.data.classNames[point.label] ?? point.label} at (${this.plane[2 * index]!.toFixed(2)}, ${this.plane[2 * index + 1]!.toFixed(2)})`;
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.data) return;
    const { width, height } = this.size();
    const ratio = globalThis.devicePixelRatio || 1;
    const [pw, ph] = [Math.round(width * ratio), Math.round(height * ratio)];
    if (this.canvas.width !== pw || this.canvas.height !== ph)
      [this.canvas.width, this.canvas.height] = [pw, ph];
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    // Axes and their names.
    ctx.strokeStyle = '#9ca3af';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, MARGIN.top);
    ctx.lineTo(MARGIN.left, height - MARGIN.bottom);
    ctx.lineTo(width - MARGIN.right, height - MARGIN.bottom);
    ctx.stroke();
    const [e1, e2] = this.explained();
    ctx.fillStyle = '#374151';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(
      `PC1 (${(100 * e1).toFixed(0)}% of the code variance)`,
      (MARGIN.left + width - MARGIN.right) / 2,
      height - 10,
    );
    ctx.save();
    ctx.translate(14, (MARGIN.top + height - MARGIN.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`PC2 (${(100 * e2).toFixed(0)}%)`, 0, 0);
    ctx.restore();
    this.data.points.forEach((p, i) => {
      const s = this.toScreen(this.plane[2 * i]!, this.plane[2 * i + 1]!);
      ctx.fillStyle = COLORS[p.label % COLORS.length]!;
      ctx.beginPath();
      ctx.arc(s.x, s.y, i === this.hovered ? 6 : 3, 0, 2 * Math.PI);
      ctx.fill();
      if (i === this.hovered) {
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 2;
        ctx.stroke();
      }
    });
    if (this.marker) {
      // The current input: a black ring with a cross, drawn last so no point hides it.
      const m = this.toScreen(this.marker.x, this.marker.y);
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(m.x, m.y, 9, 0, 2 * Math.PI);
      ctx.moveTo(m.x - 14, m.y);
      ctx.lineTo(m.x + 14, m.y);
      ctx.moveTo(m.x, m.y - 14);
      ctx.lineTo(m.x, m.y + 14);
      ctx.stroke();
      ctx.textAlign = 'left';
      ctx.fillStyle = '#000';
      ctx.fillText('your input', m.x + 12, m.y - 10);
    }
  }
}
