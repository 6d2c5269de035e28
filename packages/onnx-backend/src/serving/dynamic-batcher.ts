// Dynamic batching: requests that arrive within a short window run as one batch, bounded by a largest size.

export interface DynamicBatcherOptions<I, O> {
  /** Largest sum of `size(item)` in one batch. */
  maxBatchSize: number;
  /** How long the first queued item waits for others before its batch runs (ms); 0 runs what is queued now. */
  maxDelayMs: number;
  /** Rows of one item (its batch axis). */
  size: (item: I) => number;
  /** Runs one batch; resolves to one result per item, in order. */
  run: (items: I[]) => Promise<O[]>;
}

interface Queued<I, O> {
  item: I;
  size: number;
  at: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Queues items and runs them in batches, one batch at a time: a batch starts when the queue holds
 * `maxBatchSize` rows, or when its oldest item has waited `maxDelayMs`; while a batch runs, new items queue up
 * and join the next one. An item larger than `maxBatchSize` runs alone. A failing batch rejects its items only.
 */
export class DynamicBatcher<I, O> {
  private readonly queue: Queued<I, O>[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  /** Batches run so far and the rows they held (for metrics). */
  batches = 0;
  rows = 0;

  constructor(private readonly options: DynamicBatcherOptions<I, O>) {}

  /** Items waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const size = this.options.size(item);
      this.queue.push({ item, size, at: performance.now(), resolve, reject });
      this.queuedRows += size;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || !this.queue.length) return;
    const waited = performance.now() - this.queue[0]!.at;
    if (this.queuedRows >= this.options.maxBatchSize || waited >= this.options.maxDelayMs) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.runNext();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxDelayMs - waited);
    }
  }

  private take(): Queued<I, O>[] {
    const batch: Queued<I, O>[] = [this.queue.shift()!];
    let rows = batch[0]!.size;
    while (this.queue.length && rows + this.queue[0]!.size <= this.options.maxBatchSize) {
      const next = this.queue.shift()!;
      rows += next.size;
      batch.push(next);
    }
    this.queuedRows -= rows;
    return batch;
  }

  private async runNext(): Promise<void> {
    this.running = true;
    const batch = this.take();
    try {
      const results = await this.options.run(batch.map((q) => q.item));
      this.batches += 1;
      this.rows += batch.reduce((n, q) => n + q.size, 0);
      batch.forEach((q, i) => {
        q.resolve(results[i]!);
      });
    } catch (error) {
      for (const q of batch) q.reject(error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
