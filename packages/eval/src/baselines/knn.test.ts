import { describe, expect, it } from 'vitest';
import { KnnDetector } from './knn.js';

describe('KnnDetector', () => {
  it('k-th neighbour distance by hand', () => {
    const train = new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]);
    const knn = new KnnDetector(2, { k: 2 }).fit(train);
    const s = knn.score(new Float32Array([0, 0, 3, 4]));
    expect(s[0]).toBeCloseTo(1, 6); // neighbours at 0 and 1
    expect(s[1]).toBeCloseTo(Math.sqrt(18), 5); // (1,1) at sqrt(13), (0,1) at sqrt(18), (1,0) at sqrt(20)
    const mean = new KnnDetector(2, { k: 2, method: 'mean' }).fit(train).score(new Float32Array([0, 0]));
    expect(mean[0]).toBeCloseTo(0.5, 6);
    // Leave-one-out: each corner's neighbours are the other three, at 1, 1 and sqrt(2).
    expect([...knn.leaveOneOutScores()].map((v) => v.toFixed(6))).toEqual(Array(4).fill('1.000000'));
    expect(new KnnDetector(2, { k: 3 }).fit(train).leaveOneOutScores()[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(() => new KnnDetector(2, { k: 4 }).fit(train).leaveOneOutScores()).toThrow(/more than k=4/);
  });
});
