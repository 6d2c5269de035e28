/**
 * `pnpm --filter @aekit/tools bench:webgpu`: every zoo model at its own size trains the same steps (same seed,
 * same batches) on the webgpu device and on wasm; prints each model's steps/s on both and the largest relative
 * difference of their step losses. The long form of tools/e2e/webgpu-training.test.ts (which trains tiny
 * versions in CI). Without a GPU, set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and
 * XDG_RUNTIME_DIR: the webgpu column then measures SwiftShader, a software GPU (WebGPU computed by the CPU).
 *
 * Options: --steps N (default 20) --batch N (default 32) --models dense,conv,... (labels below)
 *          --onnx: instead, each model's ONNX exports (random weights) on onnxruntime-node's WebGPU provider
 *          against its CPU provider (the full-size form of tools/e2e/onnx-webgpu.test.ts)
 */
import { createRng, type ModelSpec, setLogger, shapeSize } from '@aekit/core';
import * as zoo from '@aekit/models';
import { createSession, EXPORT_PARTS, exportOnnx, verifyParity } from '@aekit/onnx-backend';
import { randomBatch, randomWeights } from '@aekit/onnx-backend/testing';
import { createTfjsBackend, type TfjsModel } from '@aekit/tfjs-backend';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const steps = Number(opt('steps', '20'));
const batch = Number(opt('batch', '32'));

const models: Record<string, () => ModelSpec> = {
  dense: () => zoo.denseAutoencoder(),
  deep: () => zoo.deepAutoencoder(),
  conv: () => zoo.convAutoencoder(),
  'conv(transpose)': () => zoo.convAutoencoder({ decoder: 'transpose' }),
  convBottleneck: () => zoo.convBottleneckAutoencoder(),
  denoising: () => zoo.denoisingAutoencoder(),
  'sparse(l1)': () => zoo.sparseAutoencoder({ penalty: { type: 'l1', weight: 1e-5 } }),
  'sparse(kl)': () => zoo.sparseAutoencoder({ penalty: { type: 'kl', rho: 0.05, weight: 1 } }),
  contractive: () => zoo.contractiveAutoencoder({ weight: 1e-3 }),
  'vae(dense)': () => zoo.vae(),
  'vae(conv)': () => zoo.vae({ kind: 'conv' }),
  lstm: () => zoo.lstmAutoencoder(),
  colorization: () => zoo.colorizationAutoencoder(),
  inpainting: () => zoo.inpaintingAutoencoder(),
  superResolution: () => zoo.superResolutionAutoencoder(),
};
const chosen = opt('models', Object.keys(models).join(',')).split(',');
for (const name of chosen)
  if (!(name in models)) throw new Error(`unknown model ${name}; use ${Object.keys(models).join(', ')}`);

/** Smooth seeded values in [0, 1]: `count` samples of `shape`. */
function samples(count: number, shape: readonly number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const per = shapeSize(shape);
  const out = new Float32Array(count * per);
  for (let n = 0; n < count; n++) {
    const [a, b] = [rng.next() * 6, rng.next() * 0.2 + 0.05];
    for (let i = 0; i < per; i++) out[n * per + i] = 0.5 + 0.5 * Math.sin(a + i * b);
  }
  return out;
}

async function run(model: TfjsModel, spec: ModelSpec): Promise<{ losses: number[]; stepsPerSecond: number }> {
  const count = batch * steps;
  const x = samples(count, spec.inputShape, 1);
  const y = spec.outputShape ? samples(count, spec.outputShape, 2) : undefined;
  const means: number[] = [];
  const times: number[] = [];
  await model.fit(y ? { x, y } : { x }, {
    epochs: 1,
    batchSize: batch,
    learningRate: 1e-3,
    seed: 3,
    callbacks: {
      onBatchEnd: (b) => {
        means.push(b.loss);
        times.push(performance.now());
      },
    },
  });
  const losses = means.map((m, k) => (k === 0 ? m : (k + 1) * m - k * means[k - 1]!));
  // The first step compiles shaders / warms up: steps/s over the others.
  const stepsPerSecond = (times.length - 1) / (((times.at(-1) as number) - (times[0] as number)) / 1000);
  return { losses, stepsPerSecond };
}

setLogger({ info() {}, warn: (m) => console.error(m) });
if (args.includes('--onnx')) {
  const lines: string[] = [];
  for (const name of chosen) {
    const spec = models[name]!();
    const weights = randomWeights(spec, 11);
    const cells: string[] = [];
    for (const part of EXPORT_PARTS) {
      const { bytes } = exportOnnx(spec, weights, { part });
      const [gpu, cpu] = [
        await createSession(bytes, { device: 'webgpu' }),
        await createSession(bytes, { device: 'cpu' }),
      ];
      const shape = part === 'decoder' ? cpu.info!.latentShape : cpu.info!.inputShape;
      const feeds = { [cpu.inputNames[0]!]: { shape: [4, ...shape], data: randomBatch(4, shape, 5) } };
      const report = await verifyParity(gpu, cpu, feeds, { tolerance: 1e-4 });
      cells.push(Math.max(...report.outputs.map((o) => o.maxAbsDiff)).toExponential(1));
      await Promise.all([gpu.dispose(), cpu.dispose()]);
    }
    const line = `| ${name} | ${spec.inputShape.join('x')} | ${cells.join(' | ')} |`;
    console.error(line);
    lines.push(line);
  }
  console.log(`ONNX Runtime WebGPU vs CPU, max |diff| over 4 random inputs (random weights)

| model | input | full | encoder | decoder |
|---|---|---:|---:|---:|
${lines.join('\n')}`);
  process.exit(0);
}
const webgpu = createTfjsBackend({ device: 'webgpu' });
const wasm = createTfjsBackend({ device: 'wasm' });
await Promise.all([webgpu.init(), wasm.init()]);
const rows: string[] = [];
for (const name of chosen) {
  const spec = models[name]!();
  const a = await wasm.createModel(spec, { seed: 5 });
  const onWasm = await run(a, spec);
  a.dispose();
  const b = await webgpu.createModel(spec, { seed: 5 });
  const onGpu = await run(b, spec);
  b.dispose();
  const relative = onGpu.losses.map((l, k) => Math.abs(l - onWasm.losses[k]!) / Math.abs(onWasm.losses[k]!));
  const row = `| ${name} | ${spec.inputShape.join('x')} | ${onWasm.stepsPerSecond.toPrecision(3)} | ${onGpu.stepsPerSecond.toPrecision(3)} | ${(onGpu.stepsPerSecond / onWasm.stepsPerSecond).toPrecision(2)} | ${Math.max(...relative).toExponential(1)} |`;
  console.error(row);
  rows.push(row);
}
console.log(`webgpu: ${webgpu.describe()}
wasm: ${wasm.describe()}
${steps} steps of batch ${batch} (Adam 1e-3, same seed and batches); steps/s over steps 2-${steps}.

| model | input | wasm steps/s | webgpu steps/s | webgpu / wasm | max relative loss diff |
|---|---|---:|---:|---:|---:|
${rows.join('\n')}`);
