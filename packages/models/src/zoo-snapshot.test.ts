// Every zoo spec, serialised: a restructure or refactor must leave these bytes unchanged.
import { describe, expect, it } from 'vitest';
import * as zoo from './index.js';

const image: [number, number, number] = [28, 28, 1];
const rgb: [number, number, number] = [32, 32, 3];

const cases: Record<string, () => unknown> = {
  dense: () => zoo.denseAutoencoder(),
  'dense 32x32x3 latent 16': () => zoo.denseAutoencoder({ inputShape: rgb, latentDim: 16 }),
  deep: () => zoo.deepAutoencoder(),
  'deep hidden 256,64': () => zoo.deepAutoencoder({ inputShape: image, hidden: [256, 64], latentDim: 8 }),
  conv: () => zoo.convAutoencoder(),
  'conv transpose': () => zoo.convAutoencoder({ inputShape: image, decoder: 'transpose' }),
  'conv 32x32x3': () => zoo.convAutoencoder({ inputShape: rgb, filters: [32, 16] }),
  'conv-bottleneck': () => zoo.convBottleneckAutoencoder(),
  'conv-bottleneck 32x32x3': () => zoo.convBottleneckAutoencoder({ inputShape: rgb, latentDim: 64 }),
  denoising: () => zoo.denoisingAutoencoder(),
  'denoising mask': () => zoo.denoisingAutoencoder({ noise: { type: 'mask', fraction: 0.3 } }),
  'denoising watermark': () => zoo.denoisingAutoencoder({ noise: { type: 'watermark' } }),
  sparse: () => zoo.sparseAutoencoder(),
  'sparse kl': () => zoo.sparseAutoencoder({ penalty: { type: 'kl', rho: 0.05, weight: 0.1 } }),
  contractive: () => zoo.contractiveAutoencoder(),
  vae: () => zoo.vae(),
  'conv vae': () => zoo.vae({ kind: 'conv', inputShape: image, latentDim: 2 }),
  lstm: () => zoo.lstmAutoencoder(),
  inpainting: () => zoo.inpaintingAutoencoder(),
  'super-resolution': () => zoo.superResolutionAutoencoder(),
  colorization: () => zoo.colorizationAutoencoder(),
};

describe('zoo specs serialise unchanged', () => {
  it('matches the committed serialisation byte for byte', async () => {
    const text = Object.entries(cases)
      .map(([name, make]) => `${name}\n${JSON.stringify(make())}\n`)
      .join('\n');
    await expect(text).toMatchFileSnapshot('./__snapshots__/zoo-specs.txt');
  });
});
