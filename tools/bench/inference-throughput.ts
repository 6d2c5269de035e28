/**
 * Export size and inference throughput of the conv autoencoder: ONNX Runtime (node CPU, web WASM) against
 * the tfjs predict of the same model and weights, measured in one run on real Fashion-MNIST test images.
 * Runners take turns for `rounds` rounds and each keeps its best round (the machine may be shared).
 *   pnpm --filter @aekit/tools bench:inference [images=2048] [batch=256] [rounds=3]
 * Fashion-MNIST is read from AEKIT_FASHION_MNIST (default /usr/share/datasets/fashion-mnist).
 */
import { type NamedTensor, setLogger } from '@aekit/core';
import { convAutoencoder } from '@aekit/models';
import { createSession, exportOnnx } from '@aekit/onnx-backend';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { loadFashionMnist } from './fashion-mnist.js';

const [countArg = '2048', batchArg = '256', roundsArg = '3'] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg);
const rounds = Number(roundsArg);
const x = loadFashionMnist(count, 't10k-images-idx3-ubyte.gz');

setLogger({ info() {}, warn() {} });
const spec = convAutoencoder();

interface Runner {
  label: string;
  run: () => Promise<Float32Array>;
  best: number;
  out?: Float32Array;
}
const runners: Runner[] = [];
let weights: NamedTensor[] | undefined;
for (const device of ['wasm', 'js'] as const) {
  const model = await createTfjsBackend({ device }).createModel(spec, { seed: 0 });
  if (weights) model.setWeights(weights);
  else weights = model.getWeights();
  runners.push({ label: `tfjs ${device} reconstruct`, run: () => model.reconstruct(x), best: 0 });
}
const full = exportOnnx(spec, weights!, { part: 'full' });
const sizes = (['full', 'encoder', 'decoder'] as const).map(
  (part) => `${part} ${exportOnnx(spec, weights!, { part }).bytes.length} B`,
);
for (const device of ['cpu', 'wasm'] as const) {
  const session = await createSession(full, { device, batchSize: batch });
  runners.push({
    label: `onnxruntime-${session.runtime} ${device}`,
    run: () => session.reconstruct(x),
    best: 0,
  });
}
for (const r of runners) r.out = await r.run(); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const r of runners) {
    const start = performance.now();
    await r.run();
    r.best = Math.max(r.best, count / ((performance.now() - start) / 1000));
  }
}
const peer = runners[0]!;
console.log(
  `conv autoencoder (${spec.name}), ${count} Fashion-MNIST test images, batch ${batch}, best of ${rounds}; export sizes: ${sizes.join(', ')}`,
);
for (const r of runners) {
  let diff = 0;
  for (let i = 0; i < r.out!.length; i++) diff = Math.max(diff, Math.abs(r.out![i]! - peer.out![i]!));
  console.log(
    `${r.label.padEnd(28)} ${r.best.toFixed(0).padStart(7)} images/s  x${(r.best / peer.best).toFixed(2)} vs ${peer.label}  max|diff| ${diff.toExponential(1)}`,
  );
}
