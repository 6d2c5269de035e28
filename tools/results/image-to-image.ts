/**
 * The image-to-image rows of `pnpm results`: inpainting and 2x super-resolution on Fashion-MNIST, and
 * colorization of photo patches, each against the trivial answer (the masked input, nearest / bicubic
 * upscaling, the grey image copied to R, G and B).
 */
import { createCorruption, createRng, shapeSize } from '@aekit/core';
import {
  downscale,
  fromColorResidual,
  loadColorPatches,
  toColorResidual,
  toGrayscale,
  upscale,
} from '@aekit/datasets';
import { meanMse, meanPsnr } from '@aekit/eval/metrics';
import { colorizationAutoencoder, inpaintingAutoencoder, superResolutionAutoencoder } from '@aekit/models';
import type { ResultsContext, Row } from './context.js';

const SHAPE = [28, 28, 1];
const PIXELS = 784;
/** Test patches of the colorization row (the photos' bottom quarter; training patches come from the rest). */
const COLOR_TEST = 1000;
/** Samples per picture. */
const SHOWN = 10;

const dB = (v: number) => `${v.toFixed(2)} dB`;
const first = (images: Float32Array, size: number) => images.subarray(0, SHOWN * size);

/** Mean squared error over the pixels where `keep` is 0 (the blanked blocks of all images). */
function holeMse(target: Float32Array, prediction: Float32Array, keep: Float32Array): number {
  let s = 0;
  let count = 0;
  for (let i = 0; i < target.length; i++) {
    if (keep[i] !== 0) continue;
    s += (target[i]! - prediction[i]!) ** 2;
    count++;
  }
  return s / count;
}

/** Inpainting: 4 of the 16 7x7 blocks of each image blanked, the model fills them in. */
export async function inpaintingRow(ctx: ResultsContext, n: number, epochs: number): Promise<Row> {
  const spec = inpaintingAutoencoder();
  const fitted = await ctx.fit(spec, { x: ctx.train.subarray(0, n * PIXELS) }, { epochs });
  // The mask corruption only zeroes blocks: applied to ones it gives the mask itself (0 in the holes).
  const keep = new Float32Array(ctx.test.length).fill(1);
  createCorruption(spec.corruption!, SHAPE)(keep, createRng(99));
  const masked = ctx.test.map((v, i) => v * keep[i]!);
  const out = await fitted.model.reconstruct(masked);
  // The usual inpainting result: the known pixels as they are, the model's output in the holes.
  const filled = masked.map((v, i) => (keep[i] === 0 ? out[i]! : v));
  await ctx.picture(
    'inpainting',
    [first(masked, PIXELS), first(out, PIXELS), first(filled, PIXELS), first(ctx.test, PIXELS)],
    SHAPE,
    10,
    ['masked input', 'model output', 'output in holes', 'original'],
    'inpainting: test images with 4 of 16 7x7 blocks blanked, the model output, the known pixels with the output in the holes, and the original.',
  );
  const psnr = (images: Float32Array) => dB(meanPsnr(ctx.test, images, PIXELS));
  const row: Row = {
    model: 'inpainting (4 of 16 7x7 blocks)',
    spec: spec.name,
    code: shapeSize(fitted.model.latentShape),
    trainImages: n,
    epochs: fitted.epochs,
    mse: meanMse(ctx.test, out),
    vsPca: '',
    extra:
      `PSNR masked input ${psnr(masked)} -> output ${psnr(out)}, holes filled from the output ${psnr(filled)}; ` +
      `MSE in the holes alone ${holeMse(ctx.test, masked, keep).toFixed(5)} -> ${holeMse(ctx.test, out, keep).toFixed(5)}`,
    seconds: fitted.seconds,
  };
  fitted.model.dispose();
  ctx.log(`${row.model}: ${row.extra}`);
  return row;
}

/** 2x super-resolution: the 14x14 block means of each image in, the 28x28 image out. */
export async function superResolutionRow(ctx: ResultsContext, n: number, epochs: number): Promise<Row> {
  const spec = superResolutionAutoencoder({ scale: 2 });
  const target = ctx.train.subarray(0, n * PIXELS);
  const fitted = await ctx.fit(spec, { x: downscale(target, SHAPE, 2), y: target }, { epochs });
  const low = downscale(ctx.test, SHAPE, 2);
  const nearest = upscale(low, spec.inputShape, 2, 'nearest');
  const bicubic = upscale(low, spec.inputShape, 2, 'bicubic');
  const out = await fitted.model.reconstruct(low);
  await ctx.picture(
    'super-resolution',
    [first(nearest, PIXELS), first(bicubic, PIXELS), first(out, PIXELS), first(ctx.test, PIXELS)],
    SHAPE,
    10,
    ['nearest 14 to 28', 'bicubic 14 to 28', 'model', 'original'],
    'super-resolution: 14x14 test images brought to 28x28 by nearest neighbour, by bicubic interpolation and by the model, and the original.',
  );
  const row: Row = {
    model: 'super-resolution (14x14 -> 28x28)',
    spec: spec.name,
    code: shapeSize(fitted.model.latentShape),
    trainImages: n,
    epochs: fitted.epochs,
    mse: meanMse(ctx.test, out),
    vsPca: '',
    extra:
      `PSNR nearest ${dB(meanPsnr(ctx.test, nearest, PIXELS))}, bicubic ${dB(meanPsnr(ctx.test, bicubic, PIXELS))} ` +
      `-> model ${dB(meanPsnr(ctx.test, out, PIXELS))} (bicubic MSE ${meanMse(ctx.test, bicubic).toFixed(5)})`,
    seconds: fitted.seconds,
  };
  fitted.model.dispose();
  ctx.log(`${row.model}: ${row.extra}`);
  return row;
}

/**
 * Colorization of 32x32 patches of the two sample photos: trained on patches of the top three quarters of
 * each photo, tested on patches of the bottom quarter (no pixel shared). The model predicts the colour
 * residual; its output plus the grey input is the colour image.
 */
export async function colorizationRow(ctx: ResultsContext, n: number, epochs: number): Promise<Row> {
  const spec = colorizationAutoencoder();
  const trainRgb = loadColorPatches({ count: n, seed: 1, band: [0, 0.75] }).images;
  const testRgb = loadColorPatches({ count: COLOR_TEST, seed: 2, band: [0.75, 1] }).images;
  const trainGray = toGrayscale(trainRgb);
  // The model learns colour as an offset from grey (`toColorResidual`): outputs of 0.5 are the grey copy.
  const fitted = await ctx.fit(spec, { x: trainGray, y: toColorResidual(trainRgb, trainGray) }, { epochs });
  const colorize = async (grey: Float32Array) =>
    fromColorResidual(grey, await fitted.model.reconstruct(grey));
  const copy = (gray: Float32Array) =>
    new Float32Array(gray.length * 3).map((_, i) => gray[Math.floor(i / 3)]!);
  const gray = toGrayscale(testRgb);
  const greyCopy = copy(gray);
  const out = await colorize(gray);
  // The same on the training patches: what the model learnt about these photos' colours.
  const seen = meanMse(trainRgb, await colorize(trainGray));
  const size = shapeSize(spec.outputShape!);
  await ctx.picture(
    'colorization',
    [first(greyCopy, size), first(out, size), first(testRgb, size)],
    spec.outputShape!,
    10,
    ['grey input', 'model colours', 'original'],
    'colorization: grey 32x32 photo patches, the colours the model gives them, and the original patches.',
  );
  const row: Row = {
    model: 'colorization (32x32 photo patches)',
    spec: spec.name,
    code: shapeSize(fitted.model.latentShape),
    trainImages: n,
    epochs: fitted.epochs,
    mse: meanMse(testRgb, out),
    vsPca: '',
    extra:
      `${COLOR_TEST} test patches from the photos' bottom quarter (training patches: the rest): ` +
      `RGB MSE grey copy ${meanMse(testRgb, greyCopy).toFixed(5)} -> model ${meanMse(testRgb, out).toFixed(5)}, ` +
      `PSNR ${dB(meanPsnr(testRgb, greyCopy, size))} -> ${dB(meanPsnr(testRgb, out, size))}; ` +
      `on the training patches MSE ${meanMse(trainRgb, copy(trainGray)).toFixed(5)} -> ${seen.toFixed(5)}`,
    seconds: fitted.seconds,
  };
  fitted.model.dispose();
  ctx.log(`${row.model}: ${row.extra}`);
  return row;
}
