import { type Autoencoder, corrupt, type ModelSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { imagePair } from '../test-utils.js';
import { meanMse, meanPsnr } from './mean-metrics.js';
import { scoreDenoiser, scoreReconstructions } from './score-reconstructions.js';

/** A fake model on samples of `inputShape`: `reconstruct` applies `f` and records each call's sample count. */
function fake(inputShape: number[], f: (x: Float32Array) => Float32Array, outputShape?: number[]) {
  const calls: number[] = [];
  const size = inputShape.reduce((a, b) => a * b, 1);
  const spec = { inputShape, ...(outputShape && { outputShape }) } as unknown as ModelSpec;
  const model: Pick<Autoencoder, 'spec' | 'reconstruct'> = {
    spec,
    async reconstruct(x) {
      calls.push(x.length / size);
      return f(x);
    },
  };
  return { model, calls };
}

describe('scoreReconstructions', () => {
  // 12 samples of 4x4x1 values; the model maps each value v to 0.8 v + 0.1.
  const target = imagePair(12, 16, 1, 2)[0];
  const shift = (x: Float32Array) => Float32Array.from(x, (v) => 0.8 * v + 0.1);
  const prediction = shift(target);

  it('in chunks: the MSE over all values, the mean capped PSNR and the first outputs across chunk borders', async () => {
    const { model, calls } = fake([4, 4, 1], shift);
    const s = await scoreReconstructions(model, target, target, { chunk: 5, keep: 7 });
    expect(calls).toEqual([5, 5, 2]);
    expect(s.mse).toBe(meanMse(target, prediction));
    expect(s.psnr).toBeCloseTo(meanPsnr(target, prediction, 16), 12);
    expect([...s.first]).toEqual([...prediction.subarray(0, 7 * 16)]);
    const whole = await scoreReconstructions(model, target, target, { sampleSize: 16 });
    expect(calls.slice(3)).toEqual([12]); // default chunk 1000
    expect(whole.mse).toBe(s.mse);
    expect(whole.first).toHaveLength(0);
  });

  it('caps an unchanged sample at 100 dB and keeps at most every sample', async () => {
    const { model } = fake([16], (x) => x.slice());
    const s = await scoreReconstructions(model, target, target, { keep: 50 });
    expect(s).toEqual({ mse: 0, psnr: 100, first: target });
  });

  it('scores outputs of another shape than the inputs (sampleSize from outputShape)', async () => {
    // [n, 2] -> [n, 4]: each output repeats its input twice.
    const input = new Float32Array([0, 1, 0.5, 0.5]);
    const { model } = fake(
      [2],
      (x) => Float32Array.from({ length: x.length * 2 }, (_, i) => x[i >> 1] as number),
      [4],
    );
    const s = await scoreReconstructions(model, input, new Float32Array([0, 0, 1, 1, 0.5, 0.5, 0.5, 0]));
    expect(s.mse).toBeCloseTo(0.25 / 8, 12);
  });

  it('rejects inputs that are not one per target, wrong output sizes and bad options', async () => {
    const { model } = fake([16], (x) => x.slice());
    await expect(scoreReconstructions(model, target.subarray(1), target)).rejects.toThrow(
      /191 input values are not 12 samples/,
    );
    await expect(scoreReconstructions(model, target, target.subarray(1))).rejects.toThrow(
      /191 values are not a whole number of samples of 16/,
    );
    const half = fake([16], (x) => x.subarray(0, x.length / 2)).model;
    await expect(scoreReconstructions(half, target, target)).rejects.toThrow(
      /the model returned 96 values for 12 samples, expected 192/,
    );
    await expect(scoreReconstructions(model, target, target, { chunk: 0 })).rejects.toThrow(/chunk must be/);
    await expect(scoreReconstructions(model, target, target, { keep: -1 })).rejects.toThrow(/keep must be/);
  });
});

describe('scoreDenoiser', () => {
  const clean = imagePair(6, 16, 1, 3)[0]; // 6 samples of 4x4x1
  const corruption = { type: 'gaussian', std: 0.3 } as const;

  it('corrupts the clean inputs with the seed, scores the outputs and the noisy inputs against them', async () => {
    const noisy = corrupt(clean, [4, 4, 1], corruption, 99);
    // Halves each value's noise; a chunk is a view of the noisy array, so its offset finds the clean values.
    const halfway = (x: Float32Array) =>
      Float32Array.from(x, (v, i) => (v + (clean[x.byteOffset / 4 + i] as number)) / 2);
    const { model } = fake([4, 4, 1], halfway);
    const s = await scoreDenoiser(model, clean, { corruption, seed: 99, keep: 2, chunk: 2 });
    expect(s.psnrNoisy).toBe(meanPsnr(clean, noisy, 16));
    expect([...s.firstNoisy]).toEqual([...noisy.subarray(0, 32)]);
    const out = halfway(noisy);
    expect(s.mse).toBe(meanMse(clean, out));
    expect(s.psnr).toBeCloseTo(meanPsnr(clean, out, 16), 12);
    expect([...s.first]).toEqual([...out.subarray(0, 32)]);
    expect(s.psnr).toBeGreaterThan(s.psnrNoisy + 5); // half the error: +6 dB
    // Copying the noisy input scores exactly the noisy PSNR.
    const copy = await scoreDenoiser(fake([4, 4, 1], (x) => x.slice()).model, clean, {
      corruption,
      seed: 99,
    });
    expect(copy.psnr).toBeCloseTo(copy.psnrNoisy, 12);
    expect(copy.first).toHaveLength(0);
  });
});
