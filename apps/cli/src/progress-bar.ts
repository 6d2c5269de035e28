import type { CliIo } from './io.js';

export interface ProgressState {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  samplesSeen: number;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A one-line progress bar for an epoch on a terminal: bar, batch, ETA, running loss and img/s. Redraws at most
 * ~10 times a second. On a non-terminal it draws nothing (the caller prints per-epoch lines instead).
 */
export class ProgressBar {
  private started = 0;
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly io: CliIo,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Call at the start of each epoch. */
  start(): void {
    this.started = this.now();
    this.lastDraw = 0;
  }

  update(state: ProgressState): void {
    if (!this.io.isTTY) return;
    const t = this.now();
    if (state.batch < state.batches && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.io.bar(this.render(state, (t - this.started) / 1000));
    this.shown = true;
  }

  /** The bar's text for `state` after `elapsed` seconds of the epoch. */
  render(state: ProgressState, elapsed: number): string {
    const fraction = state.batches > 0 ? state.batch / state.batches : 0;
    const rate = elapsed > 0 ? state.samplesSeen / elapsed : 0;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const text =
      ` ${state.batch}/${state.batches} ETA ${formatSeconds(eta)} loss ${state.loss.toFixed(4)}` +
      ` ${Math.round(rate)} img/s`;
    const head = `epoch ${state.epoch}/${state.epochs} `;
    const width = Math.max(10, Math.min(30, this.io.columns - head.length - text.length - 3));
    const filled = Math.round(fraction * width);
    return `${head}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`;
  }

  /** A bar for a task of `total` steps that is not an epoch (e.g. decoding an image folder), on a terminal only. */
  updateTask(label: string, done: number, total: number): void {
    if (!this.io.isTTY) return;
    const t = this.now();
    if (done < total && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.io.bar(this.renderTask(label, done, total, (t - this.started) / 1000));
    this.shown = true;
  }

  /** The task bar's text: label, bar, done/total, ETA. */
  renderTask(label: string, done: number, total: number, elapsed: number): string {
    const fraction = total > 0 ? done / total : 0;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const text = ` ${done}/${total} ETA ${formatSeconds(eta)}`;
    const head = `${label} `;
    const width = Math.max(10, Math.min(30, this.io.columns - head.length - text.length - 3));
    const filled = Math.round(fraction * width);
    return `${head}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`;
  }

  /** Clears the bar so a plain line can follow. */
  clear(): void {
    if (this.shown) this.io.bar('');
    this.shown = false;
  }
}
