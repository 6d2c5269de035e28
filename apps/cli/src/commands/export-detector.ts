import { AekitError, createRng, type Device, unscaleValues } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { AnomalyDetector } from '@aekit/eval/anomaly';
import { loadDetectorFile } from '@aekit/eval/node';
import { createSession, exportDetectorOnnx, exportOnnx } from '@aekit/onnx-backend';
import { getIo } from '../io.js';
import { loadCheckpointModel } from './checkpoint-model.js';
import { detectorModel } from './detect.js';

/** Seed of the random inputs of the detector export's parity check. */
const PARITY_SEED = 7;
/** How far the graph's score may be from the detector's on the same model, relative to max(1, |score|). */
const SCORE_TOLERANCE = 1e-5;

/** Max over samples of |actual - expected| / max(1, |expected|). */
function relativeDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    max = Math.max(max, Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e)));
  }
  return max;
}

/**
 * `aekit export --detector DET`: the detector as one ONNX graph (raw input -> score, is_anomaly), written
 * only when its scores agree with the detector's on seeded random inputs (relative to max(1, |score|)):
 * - the reconstruction kinds and elbo: within 1e-5 of the checkpoint's detector (tfjs);
 * - the latent kNN kinds: within 1e-5 of the detector on the same model in ONNX Runtime (the graph's score
 *   arithmetic), and within `tolerance` (--tolerance, 1e-4 by default as the model export's) of the
 *   checkpoint's detector: the codes differ between tfjs and ONNX Runtime by a few float32 steps, which a
 *   distance between close codes (and a z-score's division by the calibration std) magnifies.
 */
export async function exportDetector(
  path: string,
  out: string | undefined,
  device: Device,
  options: { samples: number; tolerance: number },
): Promise<void> {
  const io = getIo();
  const file = await loadDetectorFile(path);
  const facts = detectorModel(file, path);
  const { model } = await loadCheckpointModel(facts.checkpoint, device);
  try {
    const detector = AnomalyDetector.restore(model, file);
    const weights = model.getWeights();
    const { bytes, info } = exportDetectorOnnx(model.spec, weights, file);
    const rng = createRng(PARITY_SEED);
    const scaled = Float32Array.from({ length: options.samples * detector.featureSize }, () => rng.next());
    const x = model.spec.scaler ? unscaleValues(model.spec.scaler, scaled) : scaled;
    const session = await createSession(bytes, { device: 'cpu' });
    let actual: Float32Array;
    try {
      const result = await session.run(
        { input: { data: x, shape: [options.samples, ...detector.inputShape] } },
        ['score'],
      );
      actual = result.score?.data as Float32Array;
    } finally {
      await session.dispose();
    }
    const latent = file.codes !== null;
    const checks: { what: string; diff: number; tolerance: number }[] = [];
    if (latent) {
      // The same model in ONNX Runtime (without its scaler, fed the scaled values): the same codes as the graph's.
      const bare = await createSession(exportOnnx({ ...model.spec, scaler: undefined }, weights).bytes, {
        device: 'cpu',
      });
      try {
        const onOrt = (await AnomalyDetector.restore(bare, file).score(scaled)).scores;
        checks.push({
          what: 'the detector on the same model in ONNX Runtime',
          diff: relativeDiff(actual, onOrt),
          tolerance: SCORE_TOLERANCE,
        });
      } finally {
        await bare.dispose();
      }
    }
    checks.push({
      what: `the detector on the checkpoint (tfjs ${model.backendName})`,
      diff: relativeDiff(actual, (await detector.score(x)).scores),
      tolerance: latent ? options.tolerance : Math.min(options.tolerance, SCORE_TOLERANCE),
    });
    for (const c of checks) {
      if (!(c.diff <= c.tolerance)) {
        throw new AekitError(
          'PARITY_FAILED',
          `the ONNX detector's scores differ from ${path}'s (${c.what}) by up to ${c.diff.toExponential(2)} relative (> ${c.tolerance}) on ${options.samples} random inputs; nothing was written`,
          { details: { maxDiff: c.diff, tolerance: c.tolerance } },
        );
      }
    }
    const target = out ?? path.replace(/\.json$/i, '') + '.onnx';
    await writeFileAtomic(target, bytes);
    io.out(
      `wrote ${target} (${(bytes.length / 1024).toFixed(1)} KiB): ${file.score} detector, input [batch, ${detector.inputShape.join(', ')}] of raw values -> ${info.outputs.filter((o) => o !== 'is_anomaly').join(', ')} (float32), is_anomaly (bool: score > ${detector.threshold.toPrecision(6)}, ${file.threshold.method})${latent ? `; latent kNN: distance to the k=${file.k}-th nearest of ${file.fittedOn.count} stored codes` : ''}`,
    );
    for (const c of checks) {
      io.out(
        `parity with ${c.what} on ${options.samples} random inputs: max relative |diff| of the scores ${c.diff.toExponential(2)} (tolerance ${c.tolerance})`,
      );
    }
  } finally {
    model.dispose();
  }
}
