import { AekitError, createRng, formatShape, shapesEqual, type TensorData } from '@aekit/core';
import type { OnnxSession } from './session.js';

export interface ParityOptions {
  /** Largest allowed max |diff| per output. Default 1e-4 (ORT's own CPU tolerance; use 1e-3 for GPUs). */
  tolerance?: number;
  /** Throw an AekitError (code PARITY_FAILED) when an output diverges. Default false. */
  throwOnDivergence?: boolean;
}

export interface OutputParity {
  name: string;
  shape: number[];
  maxAbsDiff: number;
  ok: boolean;
}

export interface ParityReport {
  ok: boolean;
  tolerance: number;
  device: string;
  referenceDevice: string;
  outputs: OutputParity[];
}

/**
 * Random inputs in [0, 1) for every graph input of an aekit export: `batch` samples, seeded.
 */
export function randomInputs(session: OnnxSession, batch = 4, seed = 1): Record<string, TensorData> {
  const info = session.info;
  if (!info)
    throw new AekitError(
      'MODEL_INVALID',
      'random inputs need an aekit export (its metadata names the input shape); pass inputs yourself',
    );
  const rng = createRng(seed);
  const shape = [batch, ...info.inputShape];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return { [info.inputs[0]!]: { shape, data } };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}

/**
 * Runs the same inputs through `session` (e.g. WebGPU) and `reference` (e.g. a CPU session of the same
 * file) and reports max |diff| per output, flagging those above the tolerance. Inputs default to 4 random
 * samples in [0, 1).
 */
export async function verifyParity(
  session: OnnxSession,
  reference: OnnxSession,
  inputs: Record<string, TensorData> = randomInputs(reference),
  options: ParityOptions = {},
): Promise<ParityReport> {
  const tolerance = options.tolerance ?? 1e-4;
  const [actual, expected] = [await session.run(inputs), await reference.run(inputs)];
  const outputs: OutputParity[] = Object.keys(expected).map((name) => {
    const e = expected[name]!;
    const a = actual[name];
    if (!a || !shapesEqual(a.shape, e.shape)) {
      return { name, shape: [...e.shape], maxAbsDiff: Number.POSITIVE_INFINITY, ok: false };
    }
    const diff = maxAbsDiff(a.data, e.data);
    return { name, shape: [...e.shape], maxAbsDiff: diff, ok: diff <= tolerance };
  });
  const report: ParityReport = {
    ok: outputs.every((o) => o.ok),
    tolerance,
    device: `${session.runtime}:${session.executionProviders.join('+')}`,
    referenceDevice: `${reference.runtime}:${reference.executionProviders.join('+')}`,
    outputs,
  };
  if (!report.ok && options.throwOnDivergence) {
    const bad = outputs
      .filter((o) => !o.ok)
      .map((o) => `${o.name} ${formatShape(o.shape)}: max |diff| ${o.maxAbsDiff}`);
    throw new AekitError(
      'PARITY_FAILED',
      `${report.device} diverges from ${report.referenceDevice} above ${tolerance}: ${bad.join('; ')}. Use another device for this model`,
      { details: { report } },
    );
  }
  return report;
}
