import { inferShapes, paramInfos, shapeSize } from '@aekit/core';
import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import {
  colorizationAutoencoder,
  contractiveAutoencoder,
  convAutoencoder,
  convBottleneckAutoencoder,
  deepAutoencoder,
  denoisingAutoencoder,
  denseAutoencoder,
  inpaintingAutoencoder,
  lstmAutoencoder,
  sparseAutoencoder,
  superResolutionAutoencoder,
  vae,
} from './index.js';

describe('zoo specs', () => {
  it('dense and deep on a table of F features: a linear output with MSE for z-scored values', () => {
    const d = denseAutoencoder({ inputShape: [30], latentDim: 5, outputActivation: 'linear', loss: 'mse' });
    expect(d.encoder[0]).toMatchObject({ type: 'dense', units: 5 });
    expect(d.decoder).toEqual([{ type: 'dense', units: 30, activation: 'linear', useBias: true }]);
    const deep = deepAutoencoder({ inputShape: [30], hidden: [16], outputActivation: 'linear', loss: 'mse' });
    expect(deep.decoder.at(-1)).toMatchObject({ units: 30, activation: 'linear' });
    expect(denseAutoencoder({ inputShape: [30] }).decoder.at(-1)).toMatchObject({ activation: 'sigmoid' });
    expect(codeOf(() => denseAutoencoder({ inputShape: [30], outputActivation: 'linear' }))).toBe(
      'SPEC_INVALID',
    );
  });

  it('conv bottleneck codes 28x28x1 in 32 values and general shapes divisible by 4', () => {
    const s = inferShapes(convBottleneckAutoencoder());
    expect(s.latent).toEqual([32]);
    expect(s.output).toEqual([28, 28, 1]);
    expect(inferShapes(convBottleneckAutoencoder({ inputShape: [32, 32, 3], latentDim: 8 })).output).toEqual([
      32, 32, 3,
    ]);
    expect(codeOf(() => convBottleneckAutoencoder({ inputShape: [30, 30, 1] }))).toBe('OPTION_INVALID');
  });

  it('denoising keeps the base architecture and records the corruption', () => {
    const d = denoisingAutoencoder();
    expect(d.corruption).toEqual({ type: 'gaussian', std: 0.5 });
    expect(d.name).toBe('denoising-conv');
    expect(d.loss.reconstruction).toBe('mse');
    expect(d.encoder).toEqual(convAutoencoder({ filters: [32, 32] }).encoder);
    expect(inferShapes(d).latent).toEqual([7, 7, 32]);
    expect(inferShapes(denoisingAutoencoder({ inputShape: [32, 32, 3] })).output).toEqual([32, 32, 3]);
    expect(codeOf(() => denoisingAutoencoder({ base: deepAutoencoder(), inputShape: [28, 28, 1] }))).toBe(
      'OPTION_INVALID',
    );
    const m = denoisingAutoencoder({ base: deepAutoencoder(), noise: { type: 'mask', fraction: 0.3 } });
    expect(m.name).toBe('denoising-deep');
    expect(m.corruption).toEqual({ type: 'mask', fraction: 0.3, blockSize: 1 });
    expect(codeOf(() => denoisingAutoencoder({ noise: { type: 'gaussian', std: -1 } }))).toBe('SPEC_INVALID');
  });

  it('sparse: L1 on a ReLU code, KL on a sigmoid code, overcomplete allowed', () => {
    const l1 = sparseAutoencoder({ penalty: { type: 'l1', weight: 1e-5 } });
    expect(l1.regularizers).toEqual([{ type: 'l1Activity', weight: 1e-5 }]);
    expect(l1.encoder.at(-1)).toMatchObject({ activation: 'relu', units: 64 });
    const kl = sparseAutoencoder({ penalty: { type: 'kl', rho: 0.05, weight: 1 }, latentDim: 1000 });
    expect(kl.regularizers).toEqual([{ type: 'klSparsity', rho: 0.05, weight: 1 }]);
    expect(inferShapes(kl).latent).toEqual([1000]);
    expect(codeOf(() => sparseAutoencoder({ penalty: { type: 'kl', rho: 1.5, weight: 1 } }))).toBe(
      'OPTION_INVALID',
    );
  });

  it('contractive: one dense sigmoid encoder layer and the penalty, or none at weight 0', () => {
    const c = contractiveAutoencoder({ weight: 1e-3, latentDim: 32 });
    expect(c.encoder.filter((l) => l.type === 'dense')).toEqual([
      { type: 'dense', units: 32, activation: 'sigmoid', useBias: true },
    ]);
    expect(c.regularizers).toEqual([{ type: 'contractive', weight: 1e-3 }]);
    expect(contractiveAutoencoder({ weight: 0 }).regularizers).toEqual([]);
  });

  it('vae: gaussian latent with beta and summed BCE, dense and conv', () => {
    for (const kind of ['dense', 'conv'] as const) {
      const v = vae({ kind, latentDim: 2, beta: 4 });
      expect(v.latent).toEqual({ type: 'gaussian', dim: 2, beta: 4 });
      expect(v.loss).toEqual({ reconstruction: 'bce', reduction: 'sum' });
      const s = inferShapes(v);
      expect(s.latent).toEqual([2]);
      expect(s.output).toEqual([28, 28, 1]);
      expect(paramInfos(v).some((p) => p.name === 'latent.logVar.kernel')).toBe(true);
    }
    expect(codeOf(() => vae({ kind: 'conv', inputShape: [27, 27, 1] }))).toBe('OPTION_INVALID');
  });

  it('lstm: LSTM -> code -> repeat -> LSTM -> per-step dense', () => {
    const spec = lstmAutoencoder({ timesteps: 128, features: 1, units: 32, latentDim: 8 });
    const s = inferShapes(spec);
    expect(s.latent).toEqual([8]);
    expect(s.decoder).toEqual([[8], [128, 8], [128, 32], [128, 1]]);
  });

  it('image-to-image models change shape through outputShape', () => {
    const col = inferShapes(colorizationAutoencoder());
    expect([col.input, col.output]).toEqual([
      [32, 32, 1],
      [32, 32, 3],
    ]);
    const sr = inferShapes(superResolutionAutoencoder());
    expect([sr.input, sr.output]).toEqual([
      [14, 14, 1],
      [28, 28, 1],
    ]);
    expect(inferShapes(superResolutionAutoencoder({ inputShape: [8, 8, 3], scale: 4 })).output).toEqual([
      32, 32, 3,
    ]);
    const inp = inpaintingAutoencoder();
    expect(inp.corruption).toEqual({ type: 'mask', fraction: 0.25, blockSize: 7 });
    expect(inferShapes(inp).output).toEqual([28, 28, 1]);
  });

  it('every zoo model has a small enough parameter count for CPU training', () => {
    const count = (spec: Parameters<typeof paramInfos>[0]) =>
      paramInfos(spec).reduce((n, p) => n + shapeSize(p.shape), 0);
    expect(count(convBottleneckAutoencoder())).toBeLessThan(300_000);
    expect(count(lstmAutoencoder())).toBeLessThan(20_000);
  });
});
