import { describe, expect, it } from 'vitest';
import { prAuc, rocAuc } from './ranking.js';

describe('rocAuc / prAuc', () => {
  it('a separable case scores 1', () => {
    expect(rocAuc([0, 0, 1, 1, 0], [0.1, 0.2, 0.9, 0.8, 0.3])).toBe(1);
    expect(prAuc([0, 0, 1, 1, 0], [0.1, 0.2, 0.9, 0.8, 0.3])).toBe(1);
    expect(rocAuc([0, 1], [1, 0])).toBe(0);
  });

  it('match sklearn roc_auc_score / average_precision_score on a case with ties', () => {
    // Same arrays as scripts/reference-values.py.
    const labels = Array.from({ length: 40 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const scores = labels.map((l, i) => Math.round((Math.sin(i * 1.7) + 0.8 * l) * 10) / 10);
    expect(new Set(scores).size).toBeLessThan(scores.length); // there are ties
    expect(Math.abs(rocAuc(labels, scores) - 0.7032967032967032)).toBeLessThan(1e-12);
    expect(Math.abs(prAuc(labels, scores) - 0.646257453979777)).toBeLessThan(1e-12);
  });

  it('needs both classes', () => {
    expect(() => rocAuc([0, 0], [1, 2])).toThrow(/needs both classes/);
  });
});
