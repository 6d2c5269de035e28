import { describe, expect, it } from 'vitest';
import { DynamicBatcher } from './dynamic-batcher.js';

function recorder(delay = 0) {
  const batches: number[][] = [];
  const batcher = new DynamicBatcher<{ rows: number; id: number }, number>({
    maxBatchSize: 4,
    maxDelayMs: 30,
    size: (i) => i.rows,
    run: async (items) => {
      batches.push(items.map((i) => i.id));
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (items.some((i) => i.id < 0)) throw new Error('bad item');
      return items.map((i) => i.id * 10);
    },
  });
  return { batches, batcher };
}

describe('DynamicBatcher', () => {
  it('runs items queued within the window as one batch, at most maxBatchSize rows each', async () => {
    const { batches, batcher } = recorder();
    const results = await Promise.all(Array.from({ length: 10 }, (_, id) => batcher.submit({ rows: 1, id })));
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('never splits an item and keeps arrival order; a larger item runs alone', async () => {
    const { batches, batcher } = recorder();
    await Promise.all([
      batcher.submit({ rows: 3, id: 1 }),
      batcher.submit({ rows: 2, id: 2 }),
      batcher.submit({ rows: 6, id: 3 }),
      batcher.submit({ rows: 1, id: 4 }),
    ]);
    expect(batches).toEqual([[1], [2], [3], [4]]);
  });

  it('a lone item waits at most maxDelayMs; items arriving while a batch runs join the next one', async () => {
    const { batches, batcher } = recorder(40);
    const started = performance.now();
    await batcher.submit({ rows: 1, id: 1 });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(29);
    expect(waited).toBeLessThan(500);
    const first = batcher.submit({ rows: 4, id: 2 }); // full: runs at once, for 40 ms
    await new Promise((r) => setTimeout(r, 5));
    const later = [batcher.submit({ rows: 1, id: 3 }), batcher.submit({ rows: 1, id: 4 })];
    await Promise.all([first, ...later]);
    expect(batches.slice(1)).toEqual([[2], [3, 4]]);
  });

  it('a failing batch rejects its own items only', async () => {
    const { batcher } = recorder();
    const a = batcher.submit({ rows: 4, id: -1 });
    const b = batcher.submit({ rows: 1, id: 5 });
    await expect(a).rejects.toThrow('bad item');
    await expect(b).resolves.toBe(50);
  });
});
