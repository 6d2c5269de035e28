import { loadEcg, windowSeries } from '@aekit/datasets';
import { lstmAutoencoder } from '@aekit/models';
import { createSession, exportOnnx } from '@aekit/onnx-backend';
import { expect, it } from 'vitest';
import { tfjs } from './helpers.js';

// The ECG excerpt (MIT-BIH record 208, lead MLII, 360 Hz) as documented by SciPy: normal sinus rhythm for
// the first 16 s, premature ventricular contractions (PVCs) visible at 46.5-50 s. We train on the first
// 12 s only, hold out 12-16 s as normal windows, and score windows lying inside 46.5-50 s as abnormal ones.
const RATE = 360;
const WINDOW = 128;

function windowsIn(
  signal: Float32Array,
  fromS: number,
  toS: number,
  stride: number,
  mean: number,
  std: number,
) {
  const part = signal.subarray(Math.round(fromS * RATE), Math.round(toS * RATE));
  const w = windowSeries(part, { window: WINDOW, stride });
  return { data: w.data.map((v) => (v - mean) / std), count: w.count };
}

it('lstm autoencoder: learns normal ECG beats and scores PVC windows higher than held-out normal ones', async () => {
  const ecg = loadEcg();
  const head = ecg.signal.subarray(0, 12 * RATE);
  const mean = head.reduce((s, v) => s + v, 0) / head.length;
  const std = Math.sqrt(head.reduce((s, v) => s + (v - mean) ** 2, 0) / head.length);
  const train = windowsIn(ecg.signal, 0, 12, 32, mean, std);
  const normal = windowsIn(ecg.signal, 12, 16, 32, mean, std);
  const pvc = windowsIn(ecg.signal, 46.5, 50, 32, mean, std);
  const spec = lstmAutoencoder({ timesteps: WINDOW, features: 1, units: 16, latentDim: 8 });
  const model = await tfjs().createModel(spec, { seed: 3 });
  const t = Date.now();
  const fit = await model.fit({ x: train.data }, { epochs: 8, batchSize: 16, learningRate: 1e-2, seed: 3 });
  const score = async (w: { data: Float32Array; count: number }) => {
    const rec = await model.reconstruct(w.data);
    const per: number[] = [];
    for (let k = 0; k < w.count; k++) {
      let s = 0;
      for (let i = k * WINDOW; i < (k + 1) * WINDOW; i++) s += (rec[i]! - w.data[i]!) ** 2;
      per.push(s / WINDOW);
    }
    return per;
  };
  const sNormal = await score(normal);
  const sPvc = await score(pvc);
  // The trained model exported to ONNX reconstructs the same windows under ONNX Runtime.
  const session = await createSession(exportOnnx(spec, model.getWeights()).bytes);
  const viaOnnx = await session.reconstruct(pvc.data);
  const viaTfjs = await model.reconstruct(pvc.data);
  await session.dispose();
  let parity = 0;
  for (let i = 0; i < viaOnnx.length; i++) parity = Math.max(parity, Math.abs(viaOnnx[i]! - viaTfjs[i]!));
  model.dispose();
  const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  // AUC: chance that a PVC window outscores a normal one.
  let wins = 0;
  for (const a of sPvc) for (const b of sNormal) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const auc = wins / (sPvc.length * sNormal.length);
  console.log('lstm ecg', {
    seconds: (Date.now() - t) / 1000,
    windows: { train: train.count, normal: normal.count, pvc: pvc.count },
    loss: [fit.history[0]!.loss, fit.history.at(-1)!.loss],
    normal: avg(sNormal),
    pvc: avg(sPvc),
    auc,
    parity,
  });
  // Standardised data: predicting zero gives an MSE of about 1.
  expect(avg(sNormal)).toBeLessThan(0.5);
  expect(avg(sPvc)).toBeGreaterThan(1.5 * avg(sNormal));
  expect(auc).toBeGreaterThan(0.75);
  expect(parity).toBeLessThan(1e-4);
}, 300_000);
