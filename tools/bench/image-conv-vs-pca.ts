/**
 * Why the conv model loses to PCA at the same code size on photo tiles (issue #15): 400 tiles of 48x48 pixels
 * cut at seeded random places of five photos (scikit-learn's china.jpg and flower.jpg; skimage's astronaut,
 * coffee and chelsea from python3-skimage), test tiles from two other photos (skimage's rocket and
 * motorcycle_left), all read at 16x16x3 by loadImageFolder; test and train MSE of PCA(32) and of conv variants
 * with a 32-value code trained with Adam.
 *
 *   pnpm --filter @aekit/tools exec tsx --conditions=source bench/image-conv-vs-pca.ts [epochs=12] [batch=16] [lr=0.003] [tiles=400] [dense|conv]
 *
 * With 3,000 training tiles and the dense variants only (`... image-conv-vs-pca.ts 60 32 0.003 3000 dense`, under
 * nice -n 5, 76 s): PCA(32) test 0.0075 (train 0.0062); the dense linear autoencoder (linear 32-value code, linear
 * output, MSE, 60 epochs of batch 32, lr 0.003) test 0.0079 (train 0.0067); with a sigmoid output 0.0084 (0.0069).
 * More tiles close most of the gap (PCA 0.0086 and the best conv 0.0137 with 400 tiles), but none beats PCA yet.
 *
 * Nonlinear models fit the training photos better than PCA and generalise worse to other photos
 * (`... image-conv-vs-pca.ts 60 32 0.003 3000 nonlinear`, 3,000 tiles, 60 epochs, shared machine): PCA(32) test
 * 0.0075 (train 0.0062); deep ReLU 256 test 0.0098 (train 0.0068), ReLU 512-256 0.0123 (0.0065), tanh 256 0.0097
 * (0.0079); conv-bottleneck 0.0106 (train 0.0044, 30% below PCA's). Held-out tiles of the same two photos do not
 * change the verdict: `aekit train --data` on 1,200 random 16x16 tiles of scikit-learn's china.jpg and flower.jpg
 * (960 train, 240 held out), `--model conv-bottleneck --latent-dim 32 --epochs 20 --batch-size 32 --lr 0.003`:
 * test MSE 0.0034 against PCA(32)'s 0.0018 and the mean sample's 0.1171.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type ModelSpec, validateSpec } from '@aekit/core';
import { loadColorPatches, loadImageFolder, readImageFile } from '@aekit/datasets';
import { Pca } from '@aekit/eval/baselines';
import { encodePng } from '@aekit/eval/images';
import { convAutoencoder, convBottleneckAutoencoder, deepAutoencoder, denseAutoencoder } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';

const [epochs = 12, batchSize = 16, lr = 0.003, trainTiles = 400] = process.argv.slice(2, 6).map(Number);
// 'dense': only the dense variants (seconds), 'conv': only the conv ones, 'nonlinear': deep and conv-bottleneck
// variants with linear codes; dense and conv by default.
const only = process.argv[6];
const skimage = (n: string) => join('/usr/lib/python3/dist-packages/skimage/data', n);
const shipped = loadColorPatches({ count: 1 }).sources.map((s) => s.path);
const trainPhotos = [...shipped, ...['astronaut.png', 'coffee.png', 'chelsea.png'].map(skimage)];
const testPhotos = ['rocket.jpg', 'motorcycle_left.png'].map(skimage);
if (![...trainPhotos, ...testPhotos].every((p) => existsSync(p))) {
  throw new Error('needs python3-skimage (apt-get install python3-skimage)');
}

async function tiles(dir: string, photos: string[], count: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  const side = 48;
  for (const [p, path] of photos.entries()) {
    const photo = await readImageFile(path);
    await mkdir(join(dir, String(p)), { recursive: true });
    const share = Math.floor(count / photos.length) + (p < count % photos.length ? 1 : 0);
    for (let t = 0; t < share; t++) {
      const y0 = Math.floor(rng.next() * (photo.height - side));
      const x0 = Math.floor(rng.next() * (photo.width - side));
      const tile = new Uint8Array(side * side * 3);
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++)
          for (let c = 0; c < 3; c++)
            tile[(y * side + x) * 3 + c] = Math.round(
              photo.data[
                ((y0 + y) * photo.width + x0 + x) * photo.channels + Math.min(c, photo.channels - 1)
              ]! * 255,
            );
      await writeFile(join(dir, String(p), `${t}.png`), encodePng(tile, side, side));
    }
  }
}

const root = await mkdtemp(join(tmpdir(), 'aekit-conv-vs-pca-'));
try {
  await tiles(join(root, 'train'), trainPhotos, trainTiles, 1);
  await tiles(join(root, 'test'), testPhotos, 100, 2);
  const read = (d: string) => loadImageFolder(join(root, d), { size: [16, 16], channels: 3, workers: 1 });
  const train = (await read('train')).images;
  const test = (await read('test')).images;
  const mse = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
    return s / a.length;
  };
  const mean = new Float32Array(768);
  for (let i = 0; i < train.length; i++) mean[i % 768] = mean[i % 768]! + train[i]! / trainTiles;
  const meanTest = test.map((_, i) => mean[i % 768]!);
  const pca = Pca.fit(train, 768, { components: 32 });
  console.log(`mean image: test ${mse(test, meanTest).toFixed(4)}`);
  console.log(
    `PCA(32): test ${mse(test, pca.reconstruct(test)).toFixed(4)}, train ${mse(train, pca.reconstruct(train)).toFixed(4)}`,
  );
  const conv = (filters: number, activation: 'relu' | 'linear' | 'sigmoid', strides = 1) =>
    ({ type: 'conv2d', filters, kernelSize: 3, strides, padding: 'same', activation }) as const;
  const up = (filters: number) =>
    ({
      type: 'conv2dTranspose',
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
    }) as const;
  const strided = (loss: 'bce' | 'mse'): ModelSpec =>
    validateSpec({
      name: `strided-${loss}`,
      inputShape: [16, 16, 3],
      encoder: [conv(32, 'relu', 2), conv(32, 'relu', 2), conv(8, 'linear', 2)],
      decoder: [up(32), up(32), up(32), conv(3, 'sigmoid')],
      loss: { reconstruction: loss },
    });
  const dense = (output: 'linear' | 'sigmoid'): ModelSpec =>
    denseAutoencoder({
      inputShape: [16, 16, 3],
      latentDim: 32,
      latentActivation: 'linear',
      outputActivation: output,
      loss: 'mse',
      name: `dense-linear-code-${output}`,
    });
  const denseVariants: [string, ModelSpec][] = [
    [
      "dense, linear 32-value code, linear output, MSE (a linear autoencoder: PCA's subspace at best)",
      dense('linear'),
    ],
    ['dense, linear 32-value code, sigmoid output, MSE', dense('sigmoid')],
  ];
  const convVariants: [string, ModelSpec][] = [
    [
      'conv (zoo default: conv+pool x3, ReLU 2x2x8 code, upsampling, BCE)',
      convAutoencoder({ inputShape: [16, 16, 3] }),
    ],
    ['conv, MSE loss', convAutoencoder({ inputShape: [16, 16, 3], loss: 'mse' })],
    ['strided convs, linear 2x2x8 code, transposed decoder, BCE', strided('bce')],
    ['strided convs, linear 2x2x8 code, transposed decoder, MSE', strided('mse')],
  ];
  const deep = (hidden: number[], activation: 'relu' | 'tanh'): ModelSpec =>
    deepAutoencoder({
      inputShape: [16, 16, 3],
      hidden,
      latentDim: 32,
      latentActivation: 'linear',
      outputActivation: 'linear',
      activation,
      loss: 'mse',
      name: `deep-${hidden.join('-')}-${activation}`,
    });
  const nonlinearVariants: [string, ModelSpec][] = [
    ['deep, ReLU 256, linear 32-value code and output, MSE', deep([256], 'relu')],
    ['deep, ReLU 512-256, linear 32-value code and output, MSE', deep([512, 256], 'relu')],
    ['deep, tanh 256, linear 32-value code and output, MSE', deep([256], 'tanh')],
    [
      'conv-bottleneck (strided convs, dense 32-value code), MSE',
      convBottleneckAutoencoder({ inputShape: [16, 16, 3], latentDim: 32, loss: 'mse' }),
    ],
  ];
  const variants =
    only === 'nonlinear'
      ? nonlinearVariants
      : [...(only === 'conv' ? [] : denseVariants), ...(only === 'dense' ? [] : convVariants)];
  const backend = createTfjsBackend({ device: 'wasm' });
  await backend.init();
  for (const [name, spec] of variants) {
    const model = await backend.createModel(spec, { seed: 0 });
    await model.fit({ x: train }, { epochs, batchSize, learningRate: lr, seed: 0 });
    const t = mse(test, await model.reconstruct(test));
    const r = mse(train, await model.reconstruct(train));
    console.log(
      `${name}, ${epochs} epochs of batch ${batchSize}, lr ${lr}: test ${t.toFixed(4)}, train ${r.toFixed(4)}`,
    );
    model.dispose();
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
