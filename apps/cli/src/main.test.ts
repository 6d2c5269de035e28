import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corrupt, paramInfos } from '@aekit/core';
import { loadCheckpoint, readMetrics } from '@aekit/core/node';
import { loadDataset } from '@aekit/datasets';
import { psnrPer } from '@aekit/eval/metrics';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpointModel } from './commands/checkpoint-model.js';
import { EXIT_USAGE, main } from './main.js';
import { createProgram } from './program.js';
import { captureIo } from './test-utils/capture-io.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr.filter((l) => l !== '') };
}

describe('aekit --help', () => {
  it('lists every option of train with its default, and the model table', async () => {
    const { code, stdout } = await run('train', '--help');
    expect(code).toBe(0);
    const text = stdout.join('\n');
    // Option blocks start with "  -" or "  --"; a description may wrap onto following lines.
    const blocks = text
      .slice(text.indexOf('Options:'), text.indexOf('Models:'))
      .split(/\n(?= {2}-)/)
      .slice(1);
    const train = createProgram(captureIo()).commands.find((c) => c.name() === 'train')!;
    const longs = train.options.filter((o) => !o.hidden).map((o) => o.long!); // hidden ones are not in help
    for (const flag of ['--model', '--dataset', '--data-dir', '--epochs', '--batch-size', '--lr', '--seed']) {
      expect(longs).toContain(flag);
    }
    for (const flag of [
      '--latent-dim',
      '--limit',
      '--validation-fraction',
      '--patience',
      '--device',
      '--out',
    ]) {
      expect(longs).toContain(flag);
    }
    for (const long of longs) {
      const block = blocks.find((b) => b.trimStart().startsWith(long));
      expect(block, `${long} in help`).toBeDefined();
      expect(block!.replace(/\s+/g, ' '), `${long} default`).toMatch(/[(,] ?default: [^)]+\)/);
    }
    expect(text).toMatch(/--epochs <n>[\s\S]*default: 5/);
    expect(text).toMatch(/Models:\n\s+dense\s+.*\n\s+deep\s+.*\n\s+conv\s+/);
  });

  it('lists the commands at the top level', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/train \[options\]/);
  });
});

describe('aekit train: bad options', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'unknown model',
      ['--model', 'nope'],
      /^error: --model: unknown model "nope"\. Should be one of: dense, deep, conv/,
    ],
    ['zero epochs', ['--epochs', '0'], /^error: --epochs must be an integer >= 1, got "0"$/],
    ['non-numeric epochs', ['--epochs', 'five'], /^error: --epochs must be an integer >= 1, got "five"$/],
    ['non-numeric lr', ['--lr', 'fast'], /^error: --lr must be a number in \(0, 10\], got "fast"$/],
    ['validation fraction 1', ['--validation-fraction', '1'], /^error: --validation-fraction must be .*"1"$/],
    [
      'unknown device',
      ['--device', 'tpu'],
      /^error: --device: unknown value "tpu"\. Should be one of: auto, gpu/,
    ],
    [
      'missing data dir',
      ['--data-dir', 'no/such/dir'],
      /^error: --data-dir "no\/such\/dir" is not a directory/,
    ],
    [
      'unknown dataset',
      ['--dataset', 'cifar'],
      /^error: option '--dataset <name>' argument 'cifar' is invalid/,
    ],
    ['unknown option', ['--epoch', '3'], /^error: unknown option '--epoch'/],
  ];
  it.each(cases)('%s: one line on stderr, non-zero exit, no stack', async (_, args, message) => {
    const { code, stdout, stderr } = await run('train', ...args);
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
    expect(stdout.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('uses the usage exit code for option errors', async () => {
    expect((await run('train', '--epochs', '0')).code).toBe(EXIT_USAGE);
  });
});

describe('aekit train: a short real run', () => {
  it('trains dense on 600 Fashion-MNIST images to test MSE < 0.04 and writes checkpoint, metrics and PNG', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'aekit-cli-')), 'run');
    // biome-ignore format: one flag per line reads better
    const { code, stdout, stderr } = await run(
      'train', '--model', 'dense', '--dataset', 'fashion-mnist', '--epochs', '5', '--limit', '600',
      '--test-limit', '500', '--lr', '0.01', '--device', 'wasm', '--out', out,
    );
    expect(
      stderr.filter((l) => !l.startsWith('warning:')),
      stderr.join('\n'),
    ).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.filter((l) => /^epoch \d\/5 · loss/.test(l))).toHaveLength(5);
    const summary = stdout.at(-1)!;
    const match = /^test MSE (\d\.\d{4}) · (\d+) img\/s$/.exec(summary);
    expect(match, summary).not.toBeNull();
    const mse = Number(match![1]);
    // Measured 0.0341 (wasm, seed 0); predicting all-zero images scores ~0.17 on Fashion-MNIST.
    expect(mse).toBeLessThan(0.04);
    expect(Number(match![2])).toBeGreaterThan(0);

    const checkpoint = await loadCheckpoint(out);
    expect(checkpoint.weights.map((w) => w.name)).toEqual(paramInfos(checkpoint.spec).map((p) => p.name));
    expect(checkpoint.training.epoch).toBe(5);
    expect(checkpoint.meta?.testMse as number).toBeCloseTo(mse, 4);
    const metrics = await readMetrics(out);
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(metrics.at(-1)!.loss).toBeLessThan(metrics[0]!.loss);
    expect(metrics.every((m) => typeof m.valLoss === 'number')).toBe(true);

    const png = pngjs.PNG.sync.read(await readFile(join(out, 'reconstructions.png')));
    // 10 samples of 28x28 at x2 with 2-pixel gaps; originals above reconstructions.
    expect([png.width, png.height]).toEqual([2 + 10 * (56 + 2), 2 + 2 * (56 + 2)]);
    const gray = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    let diff = 0;
    for (let y = 0; y < 56; y++)
      for (let x = 0; x < 56; x++) diff += Math.abs(gray(2 + x, 2 + y) - gray(2 + x, 60 + y));
    // The reconstruction resembles its original: mean absolute pixel difference below 40 of 255.
    expect(diff / (56 * 56)).toBeLessThan(40);
  });
});

describe('aekit train --model denoising: scored on noisy test inputs', () => {
  it('reports a denoised PSNR above the noisy-input PSNR and draws noisy, denoised and clean rows', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'aekit-cli-')), 'run');
    // biome-ignore format: one flag per line reads better
    const { code, stdout, stderr } = await run(
      'train', '--model', 'denoising', '--noise', 'gaussian:0.5', '--dataset', 'fashion-mnist',
      '--epochs', '2', '--limit', '400', '--validation-fraction', '0', '--batch-size', '32', '--lr', '0.002',
      '--test-limit', '200', '--device', 'wasm', '--out', out,
    );
    expect(
      stderr.filter((l) => !l.startsWith('warning:')),
      stderr.join('\n'),
    ).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'test inputs with gaussian:0.5 noise (seed 99), scored against the clean images:',
    );
    const summary = stdout.at(-1)!;
    const match =
      /^test PSNR noisy (\d+\.\d\d) dB · denoised (\d+\.\d\d) dB · MSE (\d\.\d{4}) · (\d+) img\/s$/.exec(
        summary,
      );
    expect(match, summary).not.toBeNull();
    const [noisy, denoised, mse] = [Number(match![1]), Number(match![2]), Number(match![3])];
    // The noisy inputs are the test images with the training noise drawn from seed 99: the same number here.
    const test = await loadDataset('fashion-mnist', { split: 'test', limit: 200 });
    const input = corrupt(test.images, [28, 28, 1], { type: 'gaussian', std: 0.5 }, 99);
    const meanPsnr = (x: Float32Array) => {
      const per = psnrPer(test.images, x, 784);
      return per.reduce((s, v) => s + v, 0) / per.length;
    };
    expect(noisy).toBeCloseTo(meanPsnr(input), 2);
    // Measured 9.32 -> 13.61 dB (wasm, seed 0, about 5 s); copying the noisy input would stay at 9.3 dB.
    expect(denoised).toBeGreaterThan(noisy + 2);
    // The denoised PSNR is that of the trained model's outputs for those noisy inputs (not for clean ones).
    const { model } = await loadCheckpointModel(out, 'wasm');
    expect(denoised).toBeCloseTo(meanPsnr(await model.reconstruct(input)), 1);
    model.dispose();
    const checkpoint = await loadCheckpoint(out);
    expect(checkpoint.meta?.testMse as number).toBeCloseTo(mse, 4);
    expect(checkpoint.meta?.testPsnrDenoised as number).toBeCloseTo(denoised, 2);
    expect(checkpoint.meta?.testNoise).toBe('gaussian:0.5');

    const png = pngjs.PNG.sync.read(await readFile(join(out, 'reconstructions.png')));
    // Three rows of 10 samples: noisy inputs, denoised outputs, clean images.
    expect([png.width, png.height]).toEqual([2 + 10 * (56 + 2), 2 + 3 * (56 + 2)]);
    const gray = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    const rowDiff = (a: number, b: number) => {
      let d = 0;
      for (let s = 0; s < 10; s++)
        for (let y = 0; y < 56; y++)
          for (let x = 0; x < 56; x++) {
            const px = 2 + s * 58 + x;
            d += Math.abs(gray(px, 2 + a * 58 + y) - gray(px, 2 + b * 58 + y));
          }
      return d / (10 * 56 * 56);
    };
    // The denoised row is closer to the clean row than the noisy row is.
    expect(rowDiff(1, 2)).toBeLessThan(rowDiff(0, 2));
  });
});
