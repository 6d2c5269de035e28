/**
 * `pnpm results`: trains the zoo on Fashion-MNIST with the quality protocol (60,000 training images, 10,000
 * test images, up to 20 epochs each, Adam, batch 256) and writes docs/results.md and the README pictures in
 * docs/images/. Every number of docs/results.md comes from this script.
 *
 *   pnpm results                                   # the full protocol (hours on a CPU)
 *   pnpm results --train 6000 --epochs 3 --conv-train 1000   # a reduced budget, stated in the report
 *   pnpm results --only vae,denoising              # some rows only -> runs/results/results.md (git ignores runs/)
 *   pnpm results --only vae --dry-run              # print the budget, rows and output paths; train nothing
 *
 * Flags: --train n, --test n, --epochs n, --conv-train n (training images of conv models), --batch n,
 * --denoising-train n (training images of the conv denoiser; default --train), --i2i-train n and
 * --i2i-epochs n (samples and epochs of inpainting, super-resolution and colorization; default 4000 and 4),
 * --only name,name, --out file, --images dir, --device auto|wasm|js|cpu|gpu, --dry-run. See USAGE in args.ts.
 *
 * A run with --only writes a table of those rows alone, so without --out it goes to runs/results/results.md
 * (pictures in runs/results/images/), never over docs/results.md; pass --out docs/results.md to replace the
 * committed table on purpose. Pictures go to images/ beside the report unless --images says otherwise.
 * Unknown flags or rows, and values that are not positive integers, stop the script before it trains.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createCorruption,
  createRng,
  type Device,
  type ModelSpec,
  setLogger,
  shapeSize,
  type TrainData,
} from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { loadDataset } from '@aekit/datasets';
import { Pca } from '@aekit/eval/baselines';
import { writePng } from '@aekit/eval/images';
import { meanMse, meanPsnr, vaeNegativeElbo } from '@aekit/eval/metrics';
import {
  contractiveAutoencoder,
  convAutoencoder,
  convBottleneckAutoencoder,
  deepAutoencoder,
  denoisingAutoencoder,
  denseAutoencoder,
  sparseAutoencoder,
  vae,
} from '@aekit/models';
import { createTfjsBackend, jacobianFrobenius, sampleLatent } from '@aekit/tfjs-backend';
import { DEFAULT_OUT, parseResultsArgs, type ResultsArgs, ResultsUsageError, USAGE } from './args.js';
import type { FitOutcome, FitSettings, ResultsContext, Row } from './context.js';
import { colorizationRow, inpaintingRow, superResolutionRow } from './image-to-image.js';
import { labelledGrid } from './labelled-picture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PIXELS = 784;
const SHAPE = [28, 28, 1];

let args: ResultsArgs;
try {
  args = parseResultsArgs(process.argv.slice(2), ROOT);
} catch (error) {
  if (!(error instanceof ResultsUsageError)) throw error;
  console.error(`error: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
const { budget, only, outFile, imagesDir } = args;
/** The conv denoiser's learning rate (2e-3 gave 0.2 dB more than 1e-3 at 5,000 images x 3 epochs). */
const DENOISING_LR = 2e-3;
setLogger({ info() {}, warn: (m) => console.error(m) });

const psnr = (t: Float32Array, p: Float32Array) => meanPsnr(t, p, PIXELS);

async function main() {
  const rowsRun = only ? [...only].join(', ') : 'all';
  console.error(
    `rows: ${rowsRun}; report -> ${relative(ROOT, outFile)}, pictures -> ${relative(ROOT, imagesDir)}/` +
      (only && outFile !== resolve(ROOT, DEFAULT_OUT)
        ? ' (--only: docs/results.md is left as it is; pass --out docs/results.md to replace it)'
        : ''),
  );
  if (args.dryRun) {
    console.error(
      `budget: ${JSON.stringify(budget)}; device: ${args.device ?? 'auto'}; --dry-run: stopping here`,
    );
    return;
  }
  const t0 = Date.now();
  const [train, test] = await Promise.all([
    loadDataset('fashion-mnist', { split: 'train', limit: budget.train, allowSample: false }),
    loadDataset('fashion-mnist', { split: 'test', limit: budget.test, allowSample: false }),
  ]);
  const x = train.images;
  const xt = test.images;
  const rows: Row[] = [];
  const log = (s: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);

  // PCA-32: sklearn on the same images when python3 has it, else @aekit/eval's Pca.
  let pcaMse: number;
  let pcaHow: string;
  try {
    const script = [
      'import sys, gzip, numpy as np',
      'from sklearn.decomposition import PCA',
      'd, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])',
      "r = lambda f, k: np.frombuffer(gzip.open(d + '/' + f).read(), np.uint8, offset=16).reshape(-1, 784)[:k].astype(np.float32) / 255",
      "tr, te = r('train-images-idx3-ubyte.gz', n), r('t10k-images-idx3-ubyte.gz', m)",
      'p = PCA(32, random_state=0).fit(tr)',
      'print(float(((p.inverse_transform(p.transform(te)) - te) ** 2).mean()))',
    ].join('\n');
    const args = ['-c', script, train.source.path, String(budget.train), String(budget.test)];
    const pythons = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
    let found: number | undefined;
    for (const python of pythons) {
      try {
        found = Number(
          execFileSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
        );
        break;
      } catch {
        // try the next interpreter
      }
    }
    if (found === undefined) throw new Error('no python3 with sklearn');
    pcaMse = found;
    pcaHow = 'sklearn PCA(32)';
    if (!Number.isFinite(pcaMse)) throw new Error('no number');
  } catch {
    const pca = Pca.fit(x.subarray(0, Math.min(budget.train, 20000) * PIXELS), PIXELS, { components: 32 });
    pcaMse = meanMse(pca.reconstruct(xt), xt);
    pcaHow = '@aekit/eval Pca (32 components)';
  }
  log(`PCA-32 test MSE ${pcaMse.toFixed(5)} (${pcaHow})`);
  rows.push({
    model: 'PCA-32 (baseline)',
    spec: pcaHow,
    code: 32,
    trainImages: budget.train,
    epochs: 0,
    mse: pcaMse,
    vsPca: '0%',
    extra: '',
    seconds: 0,
  });

  const backend = createTfjsBackend(args.device ? { device: args.device as Device } : {});
  await backend.init();
  const relVsPca = (m: number) => `${(((m - pcaMse) / pcaMse) * 100).toFixed(1)}%`;

  async function fit(spec: ModelSpec, data: TrainData, options: FitSettings = {}): Promise<FitOutcome> {
    const model = await backend.createModel(spec, { seed: 1 });
    const t = Date.now();
    const r = await model.fit(data, {
      epochs: options.epochs ?? budget.epochs,
      batchSize: budget.batch,
      learningRate: options.learningRate ?? 1e-3,
      seed: 1,
      callbacks: {
        onEpochEnd: (m) =>
          log(`${spec.name} epoch ${m.epoch} loss ${m.loss.toFixed(4)} (${m.seconds.toFixed(0)} s)`),
      },
    });
    return { model, seconds: (Date.now() - t) / 1000, epochs: r.history.length };
  }
  const want = (name: string) => !only || only.has(name);
  const pictures: { path: string; caption: string }[] = [];
  const picture = async (
    name: string,
    rowsOfImages: Float32Array[],
    sampleShape: readonly number[],
    columns: number,
    labels: readonly string[],
    caption: string,
  ) => {
    const file = join(imagesDir, `${name}.png`);
    await writePng(file, labelledGrid(rowsOfImages, labels, sampleShape, columns));
    pictures.push({ path: relative(dirname(outFile), file), caption });
  };
  const firstTrain = (k: number): TrainData => ({ x: x.subarray(0, k * PIXELS) });
  const firstTest = (k: number) => xt.subarray(0, k * PIXELS);
  const context: ResultsContext = { train: x, test: xt, fit, picture, log };

  const plain: [string, ModelSpec, number][] = [
    ['dense', denseAutoencoder(), budget.train],
    ['deep', deepAutoencoder(), budget.train],
    ['conv', convAutoencoder(), budget.convTrain],
    ['conv-bottleneck', convBottleneckAutoencoder({ latentDim: 32 }), budget.convTrain],
  ];
  for (const [name, spec, n] of plain) {
    if (!want(name)) continue;
    const { model, seconds, epochs } = await fit(spec, firstTrain(n));
    const rec = await model.reconstruct(xt);
    const m = meanMse(rec, xt);
    rows.push({
      model: name,
      spec: spec.name,
      code: shapeSize(model.latentShape),
      trainImages: n,
      epochs,
      mse: m,
      vsPca: relVsPca(m),
      extra: `PSNR ${psnr(xt, rec).toFixed(2)} dB`,
      seconds,
    });
    await picture(
      `${name}-reconstructions`,
      [firstTest(10), rec.subarray(0, 10 * PIXELS)],
      SHAPE,
      10,
      ['test image', 'reconstruction'],
      `${name}: the first 10 test images and their reconstructions.`,
    );
    log(`${name}: test MSE ${m.toFixed(5)}`);
    model.dispose();
  }

  if (want('denoising')) {
    // The Keras denoising tutorial's conv autoencoder (7x7x32 code), MSE loss.
    const spec = denoisingAutoencoder();
    const { model, seconds, epochs } = await fit(spec, firstTrain(budget.denoisingTrain), {
      learningRate: DENOISING_LR,
    });
    const noisy = xt.slice();
    createCorruption(spec.corruption!, SHAPE)(noisy, createRng(99));
    const out = await model.reconstruct(noisy);
    const m = meanMse(out, xt);
    rows.push({
      model: 'denoising (gaussian 0.5)',
      spec: spec.name,
      code: shapeSize(model.latentShape),
      trainImages: budget.denoisingTrain,
      epochs,
      mse: m,
      vsPca: '',
      extra: `PSNR noisy ${psnr(xt, noisy).toFixed(2)} dB -> denoised ${psnr(xt, out).toFixed(2)} dB (Adam lr ${DENOISING_LR})`,
      seconds,
    });
    await picture(
      'denoising',
      [firstTest(10), noisy.subarray(0, 10 * PIXELS), out.subarray(0, 10 * PIXELS)],
      SHAPE,
      10,
      ['clean', 'noisy input', 'denoised'],
      'denoising: clean test images, the same with Gaussian noise (sigma 0.5) as the model gets them, and its output.',
    );
    model.dispose();
  }

  const imageToImage = [
    ['inpainting', inpaintingRow],
    ['super-resolution', superResolutionRow],
    ['colorization', colorizationRow],
  ] as const;
  for (const [name, row] of imageToImage) {
    if (want(name)) rows.push(await row(context, budget.i2iTrain, budget.i2iEpochs));
  }

  if (want('sparse')) {
    for (const weight of [0, 1e-3]) {
      const spec = sparseAutoencoder({ penalty: { type: 'l1', weight }, latentDim: 64 });
      const { model, seconds, epochs } = await fit(spec, firstTrain(budget.train));
      const z = await model.encode(xt);
      let sum = 0;
      let zero = 0;
      for (const v of z) {
        sum += v;
        if (Math.abs(v) < 0.01) zero++;
      }
      const m = meanMse(await model.reconstruct(xt), xt);
      rows.push({
        model: `sparse (l1 ${weight})`,
        spec: spec.name,
        code: 64,
        trainImages: budget.train,
        epochs,
        mse: m,
        vsPca: relVsPca(m),
        extra: `mean code ${(sum / z.length).toFixed(3)}, ${((zero / z.length) * 100).toFixed(1)}% of code values < 0.01`,
        seconds,
      });
      model.dispose();
    }
  }

  if (want('contractive')) {
    for (const weight of [0, 0.01]) {
      const spec = contractiveAutoencoder({ weight, latentDim: 64 });
      const { model, seconds, epochs } = await fit(spec, firstTrain(budget.train));
      const j = await jacobianFrobenius(model, xt.subarray(0, 1000 * PIXELS));
      const m = meanMse(await model.reconstruct(xt), xt);
      rows.push({
        model: `contractive (${weight})`,
        spec: spec.name,
        code: 64,
        trainImages: budget.train,
        epochs,
        mse: m,
        vsPca: relVsPca(m),
        extra: `test Jacobian norm² ‖dz/dx‖²_F ${j.toFixed(3)}`,
        seconds,
      });
      model.dispose();
    }
  }

  if (want('vae')) {
    const spec = vae({ latentDim: 16 });
    const { model, seconds, epochs } = await fit(spec, firstTrain(budget.train));
    const elbo = await vaeNegativeElbo(model, xt, { featureSize: PIXELS, seed: 3 });
    const avg = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const samples = await model.decode(sampleLatent(model, 64, 5));
    // Nearest real test image (MSE) of each sample, against the same for uniform noise images.
    const nn = (imgs: Float32Array, k: number) => {
      let total = 0;
      for (let s = 0; s < k; s++) {
        let best = Number.POSITIVE_INFINITY;
        for (let t = 0; t < Math.min(budget.test, 2000); t++) {
          let d = 0;
          for (let i = 0; i < PIXELS; i++) d += (imgs[s * PIXELS + i]! - xt[t * PIXELS + i]!) ** 2;
          if (d < best) best = d;
        }
        total += best / PIXELS;
      }
      return total / k;
    };
    const rng = createRng(8);
    const noise = new Float32Array(64 * PIXELS).map(() => rng.next());
    const rec = await model.reconstruct(xt);
    const m = meanMse(rec, xt);
    rows.push({
      model: 'vae (beta 1)',
      spec: spec.name,
      code: 16,
      trainImages: budget.train,
      epochs,
      mse: m,
      vsPca: relVsPca(m),
      extra: `test -ELBO ${avg(elbo.negativeElbo).toFixed(1)} nats (BCE ${avg(elbo.reconstruction).toFixed(1)} + KL ${avg(elbo.kl).toFixed(1)}); sample NN-MSE ${nn(samples, 64).toFixed(4)} vs noise ${nn(noise, 64).toFixed(4)}`,
      seconds,
    });
    await picture(
      'vae-samples',
      [samples],
      SHAPE,
      8,
      ['decoded N(0, I) codes'],
      'VAE: 64 images decoded from random codes drawn from the prior N(0, I).',
    );
    const codes = await model.encode(xt.subarray(0, 2 * PIXELS));
    const steps = 10;
    const line = new Float32Array(steps * 16);
    for (let s = 0; s < steps; s++)
      for (let i = 0; i < 16; i++)
        line[s * 16 + i] = (1 - s / (steps - 1)) * codes[i]! + (s / (steps - 1)) * codes[16 + i]!;
    await picture(
      'vae-interpolation',
      [await model.decode(line)],
      SHAPE,
      steps,
      ['test image 1 to 2'],
      `VAE: ${steps} images decoded along the straight line from the code of the first test image to that of the second.`,
    );
    model.dispose();
  }

  const fmt = (v: number) => v.toFixed(5);
  const cores = cpus().length;
  const lines = [
    '# Results: the zoo on Fashion-MNIST',
    '',
    '<!-- Written by `pnpm results` (tools/results/run.ts). Do not edit by hand: re-run the script. -->',
    '',
    `Budget of this run: ${budget.train} training images (conv models: ${budget.convTrain}; conv denoiser: ${budget.denoisingTrain}; ` +
      `image-to-image: ${budget.i2iTrain}), ${budget.test} test images, ` +
      `at most ${budget.epochs} epochs (image-to-image: ${budget.i2iEpochs}), Adam (lr 1e-3 unless a row says otherwise), batch ${budget.batch}, seed 1; tfjs device: ${backend.describe()}; ` +
      `${cores} CPU cores; ${((Date.now() - t0) / 60000).toFixed(1)} minutes in all. ` +
      `Generated ${new Date().toISOString().slice(0, 10)} with \`pnpm results ${process.argv
        .slice(2)
        .filter((a) => a !== '--')
        .join(' ')}\`.`,
    '',
    `MSE is the mean squared error per pixel on the test images (values in [0, 1]); "vs PCA" is relative to PCA-32 on the same images (negative = better). Target: the best model with a code of at most 32 values at <= 0.7 x PCA-32 (${fmt(pcaMse * 0.7)}). ` +
      `Denoising, inpainting, super-resolution and colorization compare their output with the clean target image, next to the trivial answer named in "other" (PSNR in dB, peak 1, averaged over images); the denoising target is at least 18 dB at Gaussian sigma 0.5.`,
    '',
    '| model | spec | code size | train images | epochs | test MSE | vs PCA-32 | other | train s |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.spec} | ${r.code} | ${r.trainImages} | ${r.epochs} | ${fmt(r.mse)} | ${r.vsPca} | ${r.extra} | ${r.seconds.toFixed(0)} |`,
    ),
    '',
    ...pictures.flatMap((p) => [`![${p.caption}](${p.path})`, '', `*${p.caption}*`, '']),
    '',
  ];
  await writeFileAtomic(outFile, lines.join('\n'));
  log(`wrote ${relative(ROOT, outFile)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
