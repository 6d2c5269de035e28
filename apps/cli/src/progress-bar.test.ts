import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';
import { captureIo } from './test-utils/capture-io.js';

describe('ProgressBar', () => {
  it('shows batch, ETA, running loss and img/s', () => {
    const bar = new ProgressBar({ ...captureIo(), isTTY: true, columns: 100 });
    const text = bar.render(
      { epoch: 2, epochs: 5, batch: 25, batches: 100, loss: 0.12345, samplesSeen: 800 },
      4,
    );
    // A quarter done in 4 s: 12 s left; 800 images in 4 s = 200 img/s.
    expect(text).toBe('epoch 2/5 [########----------------------] 25/100 ETA 12s loss 0.1235 200 img/s');
  });

  it('shows a task (decoding a folder) with its count and ETA', () => {
    const bar = new ProgressBar({ ...captureIo(), isTTY: true, columns: 100 });
    // Half done in 3 s: 3 s left.
    expect(bar.renderTask('decoding', 500, 1000, 3)).toBe(
      'decoding [###############---------------] 500/1000 ETA 3s',
    );
  });

  it('draws on a terminal only, at most every 100 ms except the last batch', () => {
    let t = 0;
    const drawn: string[] = [];
    const io = { ...captureIo(), isTTY: true, bar: (s: string) => drawn.push(s) };
    const bar = new ProgressBar(io, () => t);
    bar.start();
    const state = { epoch: 1, epochs: 1, batches: 3, loss: 1, samplesSeen: 10 };
    t = 150;
    bar.update({ ...state, batch: 1 });
    t = 200;
    bar.update({ ...state, batch: 2 }); // 50 ms later: skipped
    t = 210;
    bar.update({ ...state, batch: 3 }); // last batch: always drawn
    bar.clear();
    expect(drawn.map((s) => s.match(/\d+\/3/)?.[0] ?? s)).toEqual(['1/3', '3/3', '']);
    const silent = captureIo();
    const plain = new ProgressBar({ ...silent, bar: () => drawn.push('no') });
    plain.update({ ...state, batch: 3 });
    expect(drawn).not.toContain('no');
  });
});
