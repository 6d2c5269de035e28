import { describe, expect, it } from 'vitest';
import { oneClassSplit } from './one-class-split.js';

describe('oneClassSplit', () => {
  const anomaly = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0)); // 10 anomalies, 40 normal

  it('trains on a seeded fraction of the normal rows, tests on the rest and every anomaly', () => {
    const { train, test } = oneClassSplit(anomaly, { trainFraction: 0.6, seed: 3 });
    expect(train.length).toBe(24);
    expect(test.length).toBe(26);
    expect([...train].every((i) => anomaly[i] === 0)).toBe(true);
    expect([...test].filter((i) => anomaly[i] === 1)).toHaveLength(10);
    expect(new Set([...train, ...test]).size).toBe(50);
    expect([...train]).toEqual([...train].sort((a, b) => a - b));
    expect(oneClassSplit(anomaly, { trainFraction: 0.6, seed: 3 })).toEqual({ train, test });
    expect([...oneClassSplit(anomaly, { trainFraction: 0.6, seed: 4 }).train]).not.toEqual([...train]);
  });

  it('rejects a fraction that leaves nothing to train or test on, and labels other than 0/1', () => {
    expect(() => oneClassSplit(anomaly, { trainFraction: 1 })).toThrow(/trainFraction must be in \(0, 1\)/);
    expect(() => oneClassSplit(anomaly, { trainFraction: 0.99 })).toThrow(/leaves 40 to train on and 0/);
    expect(() => oneClassSplit([0, 2, 0])).toThrow(/must be 0 or 1, got 2 at 1/);
  });
});
