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

/** Decodes a base64 thumbnail (width*height bytes) into floats in [0, 1]. */
export function decodeThumbnail(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return Float32Array.from(bytes, (b) => b / 255);
}

/** Scatter plot of the precomputed 2-D projection; hovering a point shows its image, clicking picks it. */
export class LatentExplorer {
  private data: ExplorerData | undefined;
  private screen: { x: number; y: number }[] = [];
  private hovered = -1;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly preview: HTMLCanvasElement,
    private readonly caption: HTMLElement,
    private readonly onPick: (image: Float32Array) => void,
  ) {
    canvas.addEventListener('mousemove', (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
      const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
      this.hover(this.nearest(x, y));
    });
    canvas.addEventListener('mouseleave', () => this.hover(-1));
    canvas.addEventListener('click', () => {
      const point = this.data?.points[this.hovered];
      if (point) this.onPick(decodeThumbnail(point.image));
    });
  }

  show(data: ExplorerData): void {
    this.data = data;
    this.hovered = -1;
    const xs = data.points.map((p) => p.x);
    const ys = data.points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const pad = 12;
    const { width, height } = this.canvas;
    this.screen = data.points.map((p) => ({
      x: pad + ((p.x - x0) / (x1 - x0 || 1)) * (width - 2 * pad),
      y: height - pad - ((p.y - y0) / (y1 - y0 || 1)) * (height - 2 * pad),
    }));
    this.draw();
    this.caption.textContent = `${data.points.length} held-out images · ${data.method} · axes explain ${(100 * data.explained[0]).toFixed(0)}% and ${(100 * data.explained[1]).toFixed(0)}% of the variance. Hover a point; click to use it as input.`;
    this.previewHint();
  }

  /** The preview while no point is hovered: a hint, not an empty (black) square. */
  private previewHint(): void {
    const ctx = this.preview.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.preview;
    ctx.fillStyle = '#eee';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#777';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('hover a point', width / 2, height / 2);
  }

  /** Screen position of point `index` in canvas pixels (used by the end-to-end test). */
  pointPosition(index: number): { x: number; y: number } | undefined {
    return this.screen[index];
  }

  private nearest(x: number, y: number): number {
    let best = -1;
    let bestD = 10 * 10;
    this.screen.forEach((p, i) => {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  }

  private hover(index: number): void {
    if (index === this.hovered) return;
    this.hovered = index;
    this.draw();
    const point = this.data?.points[index];
    this.preview.dataset.index = String(index);
    if (!point || !this.data) {
      this.previewHint();
      return;
    }
    drawSample(this.preview, decodeThumbnail(point.image), this.data.width, this.data.height);
    this.caption.textContent = `#${index}: ${this.data.classNames[point.label] ?? point.label} at (${point.x.toFixed(2)}, ${point.y.toFixed(2)})`;
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.data) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.data.points.forEach((p, i) => {
      const s = this.screen[i]!;
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
    ctx.font = '11px system-ui, sans-serif';
    this.data.classNames.forEach((name, i) => {
      ctx.fillStyle = COLORS[i % COLORS.length]!;
      ctx.fillRect(6, 6 + i * 14, 10, 10);
      ctx.fillStyle = '#333';
      ctx.fillText(name, 20, 15 + i * 14);
    });
  }
}
