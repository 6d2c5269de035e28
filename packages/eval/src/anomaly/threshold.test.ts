import { createRng } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { fitGeneralizedPareto, potThreshold } from './pot.js';
import { f1Threshold, precisionRecallCurve } from './precision-recall.js';
import {
  expectedFalseAlarmRate,
  formatThresholdRule,
  madThreshold,
  parseThresholdRule,
  percentile,
  thresholdFor,
} from './threshold.js';

/** n draws of a generalised Pareto distribution (inverse CDF of uniforms). */
function paretoTail(n: number, shape: number, scale: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => (scale / shape) * ((1 - rng.next()) ** -shape - 1));
}

describe('thresholds', () => {
  it('percentile interpolates as numpy; contamination = 100(1-c) percentile', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(v, 95)).toBeCloseTo(9.55, 12);
    expect(thresholdFor(v, { percentile: 95 })).toBeCloseTo(9.55, 12);
    expect(thresholdFor(v, { contamination: 0.1 })).toBeCloseTo(9.1, 12);
    expect(() => thresholdFor(v, { contamination: 0.7 })).toThrow(/contamination must be in \(0, 0.5\)/);
  });

  it('fpr: a uniform sample of 0..9999 flags fpr of itself', () => {
    const v = Float64Array.from({ length: 10000 }, (_, i) => i);
    for (const fpr of [0.01, 0.05, 0.2]) {
      const t = thresholdFor(v, { fpr });
      expect(v.filter((s) => s > t).length / v.length).toBeCloseTo(fpr, 3);
    }
    expect(() => thresholdFor(v, { fpr: 1 })).toThrow(/fpr must be in \(0, 1\)/);
  });

  it('mad: median + k * 1.4826 * MAD, unmoved by a few huge outliers', () => {
    // median 5, |v - 5| = 4,3,2,1,0,1,2,3,4 -> MAD 2
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(madThreshold(v, 3)).toBeCloseTo(5 + 3 * 1.4826 * 2, 12);
    expect(thresholdFor([...v, 1e9], { mad: 3 })).toBeCloseTo(5.5 + 3 * 1.4826 * 2.5, 12);
  });

  it('pot: the PWM fit recovers a Pareto tail, and the threshold its 0.001 quantile', () => {
    const shape = 0.2;
    const scale = 1;
    const fit = fitGeneralizedPareto(paretoTail(50_000, shape, scale, 1));
    expect(Math.abs(fit.shape - shape)).toBeLessThan(0.03);
    expect(Math.abs(fit.scale - scale)).toBeLessThan(0.03);
    // The whole sample is that tail: its 1 - 0.001 quantile is scale/shape ((0.001)^-shape - 1).
    const truth = (scale / shape) * (0.001 ** -shape - 1);
    const scores = paretoTail(20_000, shape, scale, 2);
    const pot = potThreshold(scores, 0.001);
    expect(Math.abs(pot.threshold - truth) / truth).toBeLessThan(0.05);
    expect(thresholdFor(scores, { pot: 0.001 })).toBe(pot.threshold);
    // An exponential tail (shape 0) too: quantile -ln(q).
    const rng = createRng(3);
    const exp = Float64Array.from({ length: 20_000 }, () => -Math.log(1 - rng.next()));
    expect(Math.abs(potThreshold(exp, 1e-4).threshold + Math.log(1e-4))).toBeLessThan(0.6);
    expect(() => potThreshold(exp, 0.5)).toThrow(/use percentile:50 instead/);
  });

  it('f1: the best cut between normal 0..9 and anomalies 10..14 is 9.5; the curve ends at recall 1', () => {
    const scores = Array.from({ length: 15 }, (_, i) => i);
    const labels = scores.map((s) => (s >= 10 ? 1 : 0));
    const best = f1Threshold(labels, scores);
    expect(best).toEqual({ threshold: 9.5, precision: 1, recall: 1, f1: 1 });
    expect(thresholdFor(scores, { f1: true }, labels)).toBe(9.5);
    const curve = precisionRecallCurve(labels, scores);
    expect(curve).toHaveLength(15);
    expect(curve[0]).toMatchObject({ threshold: 13.5, precision: 1, recall: 0.2 });
    expect(curve.at(-1)).toMatchObject({ threshold: -1, precision: 5 / 15, recall: 1 });
    expect(() => thresholdFor(scores, { f1: true })).toThrow(/needs labelled calibration data/);
  });

  it('rules round-trip through their text; a bad one names the forms', () => {
    for (const text of ['percentile:99', 'fpr:0.01', 'contamination:0.05', 'mad:3', 'pot:0.001', 'f1']) {
      expect(formatThresholdRule(parseThresholdRule(text))).toBe(text);
    }
    expect(expectedFalseAlarmRate(parseThresholdRule('percentile:99'))).toBeCloseTo(0.01, 12);
    expect(expectedFalseAlarmRate({ mad: 3 })).toBeUndefined();
    expect(() => parseThresholdRule('p99')).toThrow(/not one of percentile:99, fpr:0.01/);
    expect(() => parseThresholdRule('fpr:2')).toThrow(/fpr must be in \(0, 1\)/);
  });
});
